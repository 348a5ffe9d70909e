/** Checks 2 and 3 of the connection doctor: name resolution, the TCP connection and the TLS handshake. */
import { isIP } from 'node:net';
import { DoctorCancelled, describeNetworkError } from '../http.js';
import { bareHost, defaultPort, resolveHost, tcpConnect, tlsHandshake } from '../network.js';
import type { Check } from './context.js';

// ---- 2. DNS and TCP
export const checkDnsTcp: Check = async (ctx) => {
  const url = ctx.found.url!;
  const port = defaultPort(url);
  let resolved: { addresses: string[]; resolved: boolean };
  try {
    resolved = await resolveHost(url, ctx.options.lookup);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      stop: 'Skipped: the host name does not resolve.',
      status: 'fail',
      summary: `The host name ${bareHost(url)} does not resolve${code ? ` (${code})` : ''}.`,
      fix: 'Check the host name in the URL and its DNS records (an A or AAAA record must exist).',
      spec: 'RFC 1034 §4.3.1; RFC 3986 §3.2.2',
    };
  }
  try {
    const connected = await tcpConnect(resolved.addresses, port, ctx.timeoutMs, ctx.options.signal);
    const how = resolved.resolved
      ? `${bareHost(url)} resolves to ${resolved.addresses.join(', ')}`
      : isIP(bareHost(url))
        ? 'IP literal, no name resolution'
        : 'loopback name, not resolved';
    return {
      found: { connectedAddress: connected.address },
      status: 'pass',
      summary: `TCP connection to ${connected.address}:${port} in ${connected.durationMs} ms (${how}).`,
      ...(connected.errors.length ? { details: [`Refused first: ${connected.errors.join('; ')}`] } : {}),
    };
  } catch (error) {
    if (ctx.options.signal?.aborted) throw new DoctorCancelled();
    const errors = (error as { errors?: string[] }).errors ?? [describeNetworkError(error)];
    const refused = errors.some((e) => e.includes('ECONNREFUSED'));
    return {
      stop: 'Skipped: no TCP connection.',
      status: 'fail',
      summary: refused
        ? `Nothing accepts connections on port ${port} (connection refused).`
        : `No TCP connection to port ${port}.`,
      details: errors,
      fix: refused
        ? `Start the server, or check the port: it must listen on ${bareHost(url)}:${port}.`
        : 'Check that the server is running and that no firewall drops the connection.',
    };
  }
};

// ---- 3. TLS
export const checkTls: Check = async (ctx) => {
  const url = ctx.found.url!;
  if (url.protocol !== 'https:') return { status: 'skip', summary: 'Plain http: no TLS.' };
  try {
    const tls = await tlsHandshake(ctx.found.connectedAddress ?? bareHost(url), url, ctx.timeoutMs);
    const details = [
      `Protocol ${tls.protocol ?? 'unknown'}${tls.alpn ? `, ALPN ${tls.alpn}` : ''}`,
      `Certificate: ${tls.subject ?? '(no subject)'} issued by ${tls.issuer ?? '(unknown)'}, valid ${tls.validFrom ?? '?'} – ${tls.validTo ?? '?'}`,
    ];
    if (!tls.authorized) {
      return {
        stop: 'Skipped: the TLS certificate is not trusted, so clients stop here.',
        status: 'fail',
        summary: `The certificate is not trusted: ${tls.authorizationError ?? 'verification failed'}.`,
        details,
        fix: `Serve a certificate for ${bareHost(url)} from a publicly trusted CA, with the full chain.`,
        spec: 'RFC 9110 §4.3.4; RFC 6125 §6',
      };
    }
    if (tls.protocol === 'TLSv1' || tls.protocol === 'TLSv1.1') {
      return {
        status: 'fail',
        summary: `${tls.protocol} is deprecated.`,
        details,
        fix: 'Enable TLS 1.2 or 1.3 and disable TLS 1.0/1.1.',
        spec: 'RFC 8996',
      };
    }
    return {
      status: 'pass',
      summary: `${tls.protocol ?? 'TLS'} handshake with a trusted certificate for ${bareHost(url)}.`,
      details,
    };
  } catch (error) {
    return {
      stop: 'Skipped: no TLS handshake.',
      status: 'fail',
      summary: `The TLS handshake failed: ${describeNetworkError(error)}.`,
      fix: 'Serve TLS on this port (is it plain http? then use an http:// URL).',
      spec: 'RFC 8446',
    };
  }
};
