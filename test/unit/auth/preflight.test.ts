import { strict as assert } from 'node:assert';
import { describeRefusal } from '../../../src/core/auth/preflight';

describe('auth: reading an authorization endpoint that refuses without redirecting (RFC 6749 §4.1.2.1)', () => {
  it('an OAuth error object naming the client as unknown means the client is forgotten', () => {
    const sdk = describeRefusal(
      400,
      '{"error":"invalid_client","error_description":"Invalid client_id"}',
      'application/json; charset=utf-8',
    );
    assert.deepEqual(sdk, { unknownClient: true, reason: 'invalid_client: Invalid client_id' });
    assert.equal(describeRefusal(401, '{"error":"invalid_client"}', 'application/json').unknownClient, true);
  });

  it('a known client is not forgotten: unauthorized_client, or a complaint about its redirect URI', () => {
    // RFC 6749 §4.1.2.1: unauthorized_client names a client the server knows, refused this grant.
    assert.equal(describeRefusal(400, '{"error":"unauthorized_client"}', 'application/json').unknownClient, false);
    assert.equal(
      describeRefusal(400, 'Invalid request: redirect_uri is not registered for this client', 'text/plain')
        .unknownClient,
      false,
    );
    const page = describeRefusal(
      400,
      '<html><head><title>Bad request</title><script>var client = "unknown"</script></head><body>The redirect URI does not match the client</body></html>',
      'text/html',
    );
    assert.equal(page.unknownClient, false);
    assert.equal(page.reason, 'Bad request');
  });

  it('a page or text saying the client is not found means forgotten; markup is read as text', () => {
    assert.equal(describeRefusal(400, "Client ID 'c-123' not found", 'text/plain').unknownClient, true);
    const page = describeRefusal(
      400,
      '<html><body><h1>Error</h1><p>Unknown <b>client</b></p></body></html>',
      'text/html',
    );
    assert.equal(page.unknownClient, true);
    assert.doesNotMatch(page.reason, /</);
  });

  it('anything else is not telling: other errors, other statuses', () => {
    assert.equal(
      describeRefusal(
        400,
        '{"error":"invalid_request","error_description":"Unregistered redirect_uri"}',
        'application/json',
      ).unknownClient,
      false,
    );
    assert.equal(describeRefusal(400, 'PKCE S256 required', 'text/plain').unknownClient, false);
    assert.equal(describeRefusal(500, '{"error":"invalid_client"}', 'application/json').unknownClient, false);
    assert.equal(describeRefusal(404, "Client ID 'c-123' not found", 'text/plain').unknownClient, false);
    assert.equal(describeRefusal(400, '', null).reason, 'HTTP 400');
  });
});
