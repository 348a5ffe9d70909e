/** Check 11 of the connection doctor: how clients register (DCR, Client ID Metadata Documents), with one probe registration. */
import { randomBytes } from 'node:crypto';
import { assertSecureUrl } from '../../auth/urls.js';
import type { Check } from './context.js';
import { bodyObject, clip } from './util.js';

// ---- 11. registration options
export const checkRegistration: Check = async (ctx) => {
  const record = ctx.found.asMetadata?.record;
  const endpoint = record
    ? typeof record.registration_endpoint === 'string'
      ? record.registration_endpoint
      : undefined
    : new URL('/register', ctx.found.issuer!).href;
  const cimd = record?.client_id_metadata_document_supported === true;
  const details: string[] = [
    `registration_endpoint: ${endpoint ? clip(endpoint) : '(none)'}${record ? '' : ' (2025-03-26 default)'}`,
    `client_id_metadata_document_supported: ${cimd ? 'true' : 'no'}`,
  ];
  if (!endpoint) {
    if (cimd) {
      return {
        status: 'pass',
        summary: 'Client ID Metadata Documents are supported (no dynamic registration).',
        details,
        spec: 'MCP 2025-11-25 Authorization "Client ID Metadata Documents"',
      };
    }
    return {
      status: 'warn',
      summary:
        'Neither dynamic client registration nor Client ID Metadata Documents: every user must pre-register a client and enter its id.',
      details,
      fix: 'Offer RFC 7591 dynamic client registration (registration_endpoint) or Client ID Metadata Documents (client_id_metadata_document_supported: true).',
      spec: 'MCP 2025-06-18 Authorization §2.4; MCP 2025-11-25 Authorization "Client Registration Approaches"',
    };
  }
  try {
    assertSecureUrl(endpoint, 'registration endpoint');
  } catch (error) {
    return {
      status: 'fail',
      summary: (error as Error).message,
      details,
      fix: 'Serve the registration endpoint over https.',
      spec: 'OAuth 2.1 §1.5',
    };
  }
  if (ctx.options.probeRegistration === false) {
    return {
      status: 'pass',
      summary: `Dynamic client registration offered at ${clip(endpoint)} (not probed).`,
      details,
      spec: 'RFC 7591; MCP 2025-06-18 Authorization §2.4',
    };
  }
  // A public native client with a loopback redirect, as desktop MCP clients register (RFC 8252 §7.3, §8.4).
  const port = 20000 + (randomBytes(2).readUInt16BE(0) % 40000);
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const sent = await ctx.send(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      client_name: 'MCP Lens doctor (registration probe)',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    }),
  });
  const status = sent.response.status;
  const body = bodyObject(sent.text);
  details.push(`POST ${endpoint} (redirect_uris: ${redirectUri}) → HTTP ${status}`);
  if ((status === 200 || status === 201) && body && typeof body.client_id === 'string') {
    const registration = {
      accepted: true,
      tokenEndpointAuthMethod:
        typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : undefined,
      clientSecretIssued: typeof body.client_secret === 'string',
    };
    details.push('The probe registration stays on the server (its client id is not used).');
    return {
      found: { registration },
      status: 'pass',
      summary: `Dynamic client registration accepts a loopback redirect URI${cimd ? '; Client ID Metadata Documents are supported too' : ''}.`,
      details,
      spec: 'RFC 7591 §3; RFC 8252 §7.3; MCP 2025-06-18 Authorization §2.4',
    };
  }
  const error = typeof body?.error === 'string' ? clip(body.error, 60) : undefined;
  const description = typeof body?.error_description === 'string' ? clip(body.error_description) : undefined;
  const reason = error ? `${error}${description ? `: ${description}` : ''}` : `HTTP ${status}`;
  if (status >= 400 && status < 500 && (error === 'invalid_redirect_uri' || /redirect/i.test(description ?? ''))) {
    return {
      status: 'fail',
      summary: `The registration endpoint rejects the loopback redirect URI ${redirectUri} (${reason}).`,
      details,
      fix: 'Accept loopback redirect URIs (http://127.0.0.1 with any port, and http://localhost) for native clients: desktop MCP clients receive the authorization response on one.',
      spec: 'RFC 8252 §7.3, §8.3; OAuth 2.1 §8.4.2; MCP 2025-06-18 Authorization §2.4',
    };
  }
  return {
    status: 'fail',
    summary: `The registration endpoint refused a standard public-client registration (${reason}).`,
    details,
    fix: 'Accept RFC 7591 registrations of public native clients (token_endpoint_auth_method "none", a loopback redirect URI).',
    spec: 'RFC 7591 §3.2; MCP 2025-06-18 Authorization §2.4',
  };
};
