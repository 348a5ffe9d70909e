/** Check 14 of the connection doctor: how the server treats a made-up Bearer token. */
import { randomBytes } from 'node:crypto';
import { parseBearerChallenge } from '../../auth/engine.js';
import type { Check } from './context.js';
import { clip, closeStream, postInitialize, sseGet } from './util.js';

// ---- 14. invalid token
export const checkInvalidToken: Check = async (ctx) => {
  const resource = ctx.found.resource!;
  const bogus = `mcp-lens-doctor-invalid-${randomBytes(12).toString('hex')}`;
  const sse = ctx.found.init!.transport === 'sse';
  const auth = { Authorization: `Bearer ${bogus}` };
  const sent = sse ? await sseGet(ctx, resource, auth) : await postInitialize(ctx, resource, auth);
  const status = sent.response.status;
  const spec = 'RFC 6750 §3.1; MCP 2025-06-18 Authorization §2.6.2 (Token Handling)';
  const what = `${sse ? 'GET' : 'POST initialize'} with an unknown Bearer token → HTTP ${status}`;
  if (status >= 200 && status < 300) {
    await closeStream(sent);
    const session = sent.response.headers.get('mcp-session-id');
    if (session) {
      await ctx
        .send(resource, { method: 'DELETE', headers: ctx.mcpHeaders({ ...auth, 'Mcp-Session-Id': session }) })
        .catch(() => undefined);
    }
    return {
      status: 'fail',
      summary: `The server accepted a made-up token (${what}).`,
      fix: 'Validate every access token (signature or introspection, expiry, audience) before serving the request.',
      spec: `${spec}; MCP 2025-06-18 Authorization "Token Audience Binding and Validation"`,
    };
  }
  await closeStream(sent);
  const header = sent.response.headers.get('www-authenticate');
  const details = [what, ...(header ? [`WWW-Authenticate: ${clip(header, 400)}`] : [])];
  if (status === 401) {
    if (!header || !/(^|,)\s*Bearer\b/i.test(header)) {
      if (ctx.found.challengeMissing) {
        return {
          status: 'pass',
          summary: 'HTTP 401 for an unknown token (the missing Bearer challenge is reported by check 7).',
          details,
          spec,
        };
      }
      return {
        status: 'fail',
        summary: 'HTTP 401 for an unknown token, but without a Bearer WWW-Authenticate challenge.',
        details,
        fix: 'Send `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="…"` with the 401.',
        spec: 'RFC 6750 §3',
      };
    }
    const challenge = parseBearerChallenge(header);
    if (challenge.error !== 'invalid_token') {
      return {
        status: 'warn',
        summary: `HTTP 401, but the challenge says ${challenge.error ? `error="${clip(challenge.error, 60)}"` : 'no error'} instead of error="invalid_token".`,
        details,
        fix: 'Add error="invalid_token" to the challenge, so clients know to refresh or sign in again rather than retry.',
        spec,
      };
    }
    return { status: 'pass', summary: 'HTTP 401 with error="invalid_token" for an unknown token.', details, spec };
  }
  return {
    status: 'fail',
    summary: `HTTP ${status} for an unknown token; it must be 401${status >= 500 ? ' (a server error hides the reason, and clients do not refresh or sign in again)' : status === 403 ? ' (403 means a valid token without the needed scope)' : ''}.`,
    details,
    fix: 'When token validation fails (unknown, expired or revoked token), answer 401 with `WWW-Authenticate: Bearer error="invalid_token"` instead of an error page.',
    spec,
  };
};
