/**
 * Checks 2 and 3 of the doctor: name resolution, a TCP connect, and the TLS handshake. Loopback
 * hosts are never resolved (RFC 6761 §6.3: `localhost` is loopback by definition), so a diagnosis of a
 * local server sends nothing to a resolver.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { isLoopbackHost } from '../auth/urls.js';

export function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The host name without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export async function resolveHost(
  url: URL,
  lookup: ((hostname: string) => Promise<string[]>) | undefined,
): Promise<{ addresses: string[]; resolved: boolean }> {
  const host = bareHost(url);
  if (isIP(host)) return { addresses: [host], resolved: false };
  if (isLoopbackHost(host)) return { addresses: ['127.0.0.1', '::1'], resolved: false };
  const addresses = lookup ? await lookup(host) : (await dnsLookup(host, { all: true })).map((a) => a.address);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address.`), { code: 'ENODATA' });
  return { addresses, resolved: true };
}

/** Connects to the first address that accepts, in order; returns it and the time taken. */
export async function tcpConnect(
  addresses: string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ address: string; durationMs: number; errors: string[] }> {
  const errors: string[] = [];
  for (const address of addresses) {
    const started = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = netConnect({ host: address, port });
        const timer = setTimeout(() => {
          socket.destroy();
          reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
        }, timeoutMs);
        const onAbort = () => {
          socket.destroy();
          reject(new Error('cancelled'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          socket.end();
          socket.destroy();
          resolve();
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        });
      });
      return { address, durationMs: Math.round(performance.now() - started), errors };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push(`${address}:${port}: ${code ?? (error as Error).message}`);
      if (signal?.aborted) break;
    }
  }
  throw Object.assign(new Error(errors.join('; ')), { errors });
}

export interface TlsInfo {
  protocol: string | null;
  authorized: boolean;
  authorizationError?: string;
  subject?: string;
  issuer?: string;
  validFrom?: string;
  validTo?: string;
  alpn?: string | false;
}

function name(cert: PeerCertificate | undefined, field: 'subject' | 'issuer'): string | undefined {
  const value = cert?.[field] as Record<string, string | string[]> | undefined;
  if (!value) return undefined;
  const cn = value.CN ?? value.O;
  return Array.isArray(cn) ? cn.join(', ') : cn;
}

/** A TLS handshake with SNI and certificate verification as fetch would do it (Node's default CAs). */
export async function tlsHandshake(address: string, url: URL, timeoutMs: number): Promise<TlsInfo> {
  const host = bareHost(url);
  return new Promise<TlsInfo>((resolve, reject) => {
    const socket = tlsConnect({
      host: address,
      port: defaultPort(url),
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const info: TlsInfo = {
        protocol: socket.getProtocol(),
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
        subject: name(cert, 'subject'),
        issuer: name(cert, 'issuer'),
        validFrom: cert?.valid_from,
        validTo: cert?.valid_to,
        alpn: socket.alpnProtocol ?? false,
      };
      socket.end();
      socket.destroy();
      resolve(info);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
