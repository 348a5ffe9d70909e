/** Check 7 of the connection doctor: the WWW-Authenticate challenge of the 401. */
import { parseBearerChallenge } from '../../auth/engine.js';
import { OAuthFlowError } from '../../auth/errors.js';
import { assertSecureUrl } from '../../auth/urls.js';
import type { Check } from './context.js';
import { clip } from './util.js';

// ---- 7. the 401 challenge
export const checkChallenge: Check = async (ctx) => {
  const header = ctx.found.init!.challengeResponse!.headers.get('www-authenticate');
  const spec = 'RFC 6750 §3; RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1';
  if (!header) {
    return {
      found: { challengeMissing: true },
      status: 'fail',
      summary: 'The 401 has no WWW-Authenticate header.',
      fix: 'Send `WWW-Authenticate: Bearer resource_metadata="<protected resource metadata URL>"` with every 401; clients read the metadata location (and scope) from it.',
      spec,
    };
  }
  if (!/(^|,)\s*Bearer\b/i.test(header)) {
    return {
      found: { challengeMissing: true },
      status: 'fail',
      summary: `The WWW-Authenticate header does not offer the Bearer scheme: ${clip(header)}.`,
      fix: 'Use the Bearer scheme: `WWW-Authenticate: Bearer resource_metadata="…"`.',
      spec,
    };
  }
  const challenge = parseBearerChallenge(header);
  const details = [`WWW-Authenticate: ${clip(header, 400)}`];
  if (challenge.scope) {
    details.push(
      `scope: ${clip(challenge.scope)} (clients request it; MCP 2025-11-25 Authorization "Scope Selection Strategy")`,
    );
  }
  if (challenge.error) {
    details.push(
      `error="${clip(challenge.error, 60)}" on a request without a token (RFC 6750 §3.1 says the error code SHOULD be omitted then; harmless, and what the MCP SDK sends).`,
    );
  }
  if (challenge.resourceMetadataUrl) {
    try {
      assertSecureUrl(new URL(challenge.resourceMetadataUrl).href, 'resource_metadata URL');
    } catch (error) {
      return {
        status: 'fail',
        summary: `resource_metadata is not usable: ${error instanceof OAuthFlowError ? error.message : clip(challenge.resourceMetadataUrl)}`,
        details,
        fix: 'Put the absolute https URL of the protected resource metadata in resource_metadata.',
        spec: 'RFC 9728 §5.1; OAuth 2.1 §1.5',
      };
    }
    return {
      found: { challengeUrl: challenge.resourceMetadataUrl },
      status: 'pass',
      summary: `Bearer challenge with resource_metadata="${clip(challenge.resourceMetadataUrl)}"${challenge.scope ? ` and scope="${clip(challenge.scope, 80)}"` : ''}.`,
      details,
      spec,
    };
  }
  details.push(
    'No resource_metadata parameter: clients fall back to the well-known URLs (MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"). Clients written for 2025-06-18 expect it.',
  );
  return {
    status: 'pass',
    summary: `Bearer challenge without resource_metadata${challenge.scope ? `, scope="${clip(challenge.scope, 80)}"` : ''}.`,
    details,
    spec,
  };
};
