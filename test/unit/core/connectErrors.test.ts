/**
 * The words for network failures and error pages. The integration tests produce refused, reset,
 * TLS and bad-port failures on real loopback sockets; DNS failures and connect timeouts cannot be
 * produced without traffic off 127.0.0.1, so they are built here in the shapes undici and the
 * SSE transport's EventSource give them.
 */
import { strict as assert } from 'node:assert';
import { hostPort, networkFailure, summarizeBody } from '../../../src/core/connectErrors';

/** `TypeError: fetch failed` with a cause, as undici throws it. */
function fetchFailed(cause: Error & { code?: string }): TypeError {
  return new TypeError('fetch failed', { cause });
}

function withCode(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

describe('core: connect error words', () => {
  it('hostPort fills in the default port of the scheme', () => {
    assert.equal(hostPort('http://127.0.0.1/mcp'), '127.0.0.1:80');
    assert.equal(hostPort('https://example.test/mcp'), 'example.test:443');
    assert.equal(hostPort('http://[::1]:3001/mcp'), '[::1]:3001');
    assert.equal(hostPort('nope'), undefined);
  });

  const cases: Array<[string, unknown, RegExp]> = [
    [
      'ENOTFOUND',
      fetchFailed(withCode('getaddrinfo ENOTFOUND mcp.example.invalid', 'ENOTFOUND')),
      /^The host name mcp\.example\.invalid does not resolve \(ENOTFOUND\), so mcp\.example\.invalid:443 could not be reached\. Check the host name/,
    ],
    [
      'EAI_AGAIN',
      fetchFailed(withCode('getaddrinfo EAI_AGAIN mcp.example.invalid', 'EAI_AGAIN')),
      /^The host name mcp\.example\.invalid could not be resolved just now \(EAI_AGAIN/,
    ],
    [
      'UND_ERR_CONNECT_TIMEOUT',
      fetchFailed(
        withCode(
          'Connect Timeout Error (attempted address: mcp.example.invalid:443, timeout: 10000ms)',
          'UND_ERR_CONNECT_TIMEOUT',
        ),
      ),
      /^No connection to mcp\.example\.invalid:443 could be opened in time \(UND_ERR_CONNECT_TIMEOUT\)\. .*firewall/,
    ],
    [
      'ETIMEDOUT',
      fetchFailed(withCode('connect ETIMEDOUT 192.0.2.1:443', 'ETIMEDOUT')),
      /^No connection to mcp\.example\.invalid:443 could be opened in time \(ETIMEDOUT\)/,
    ],
    [
      'another undici code',
      fetchFailed(withCode('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')),
      /^mcp\.example\.invalid:443 closed the connection without a complete answer \(UND_ERR_HEADERS_TIMEOUT\)\. The server may have stopped/,
    ],
    [
      'EHOSTUNREACH',
      fetchFailed(withCode('connect EHOSTUNREACH 192.0.2.1:443', 'EHOSTUNREACH')),
      /^mcp\.example\.invalid:443 is unreachable \(EHOSTUNREACH\)/,
    ],
    // Happy eyeballs: undici reports every address that refused in an AggregateError.
    [
      'AggregateError of ECONNREFUSED',
      fetchFailed(
        Object.assign(
          new AggregateError([
            withCode('connect ECONNREFUSED ::1:443', 'ECONNREFUSED'),
            withCode('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED'),
          ]),
          { code: 'ECONNREFUSED' },
        ),
      ),
      /^Nothing is listening at mcp\.example\.invalid:443 \(connection refused\)\./,
    ],
    [
      'an expired certificate',
      fetchFailed(withCode('certificate has expired', 'CERT_HAS_EXPIRED')),
      /^The TLS certificate of mcp\.example\.invalid:443 was not accepted: certificate has expired \(CERT_HAS_EXPIRED\)\. Use a certificate/,
    ],
    // The SSE transport's EventSource keeps only the flattened text of the error.
    [
      'SSE: flattened ENOTFOUND text',
      {
        message: 'SSE error: TypeError: fetch failed: getaddrinfo ENOTFOUND mcp.example.invalid',
        event: { message: 'TypeError: fetch failed: getaddrinfo ENOTFOUND mcp.example.invalid' },
      },
      /^The host name mcp\.example\.invalid does not resolve \(ENOTFOUND\)/,
    ],
    [
      'SSE: flattened certificate text',
      { message: 'SSE error: TypeError: fetch failed: unable to verify the first certificate' },
      /^The TLS certificate of mcp\.example\.invalid:443 was not accepted: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/,
    ],
  ];
  for (const [label, error, expected] of cases) {
    it(`names host:port and the cause: ${label}`, () => {
      const failure = networkFailure(error, 'https://mcp.example.invalid/mcp');
      assert.ok(failure, 'recognized');
      assert.equal(failure.code, 'refused');
      assert.match(failure.fullMessage, expected);
      assert.ok(failure.hint, 'says what to do next');
    });
  }

  it('leaves errors that are no network failure alone', () => {
    assert.equal(networkFailure(new Error('Unexpected token < in JSON'), 'http://127.0.0.1:3000/mcp'), undefined);
    assert.equal(networkFailure(new TypeError('fetch failed'), 'http://127.0.0.1:3000/mcp'), undefined);
    assert.equal(networkFailure(undefined, 'http://127.0.0.1:3000/mcp'), undefined);
  });

  it('sums up an HTML page as one line of text: title, else first heading, else the text', () => {
    assert.equal(
      summarizeBody('<html><head><title>\n  502   Bad\tGateway </title></head><body><h1>other</h1></body></html>'),
      '502 Bad Gateway',
    );
    assert.equal(
      summarizeBody(
        '<html><body><script>var t = "<h1>no</h1>";</script><h1>Service <b>Unavailable</b></h1></body></html>',
      ),
      'Service Unavailable',
    );
    assert.equal(
      summarizeBody('<html><body><!-- <title>x</title> --><p>Just &quot;text&quot; &#38; more&#x21;</p></body></html>'),
      'Just "text" & more!',
    );
    assert.equal(summarizeBody('<html><title>Error <img src=x onerror=alert(1)> page</title></html>'), 'Error page');
    const long = summarizeBody(`<title>${'a'.repeat(300)}</title>`);
    assert.equal(long.length, 121);
    assert.ok(long.endsWith('…'));
  });

  it('puts a plain-text body on one line without control characters', () => {
    assert.equal(summarizeBody('upstream\r\nconnect\u001b[31m error\u0007\n'), 'upstream connect [31m error');
  });
});
