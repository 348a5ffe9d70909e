/** Check 8 of the connection doctor: the protected resource metadata (RFC 9728) and the issuer it names. */
import { OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { describeZod, protectedResourceMetadataUrls } from '../../auth/discovery.js';
import { assertSecureUrl, resourceMatches } from '../../auth/urls.js';
import type { Check, Findings } from './context.js';
import { bodyObject, clip, JSON_ACCEPT } from './util.js';

// ---- 8. protected resource metadata
export const checkResourceMetadata: Check = async (ctx) => {
  const resource = ctx.found.resource!;
  const wellKnown = protectedResourceMetadataUrls(resource);
  const candidates = ctx.found.challengeUrl ? [ctx.found.challengeUrl] : wellKnown;
  const tried: string[] = [];
  for (const candidate of candidates) {
    try {
      assertSecureUrl(candidate, 'protected resource metadata URL');
    } catch (error) {
      return {
        found: { prmUnusable: true },
        status: 'fail',
        summary: (error as Error).message,
        details: tried,
        fix: 'Serve the protected resource metadata over https.',
        spec: 'RFC 9728 §3; OAuth 2.1 §1.5',
      };
    }
    const sent = await ctx.send(candidate, { method: 'GET', headers: JSON_ACCEPT });
    const status = sent.response.status;
    tried.push(`GET ${candidate} → HTTP ${status}`);
    if (status >= 500) {
      return {
        found: { prmUnusable: true },
        status: 'fail',
        summary: `HTTP ${status} from ${candidate}.`,
        details: tried,
        fix: 'Fix the server error of the metadata endpoint.',
        spec: 'RFC 9728 §3.2',
      };
    }
    if (status !== 200) continue;
    const raw = bodyObject(sent.text);
    if (!raw) {
      return {
        found: { prmUnusable: true },
        status: 'fail',
        summary: `The document at ${candidate} is not a JSON object.`,
        details: tried,
        fix: 'Answer with a JSON object (Content-Type: application/json).',
        spec: 'RFC 9728 §3.2',
      };
    }
    const parsed = OAuthProtectedResourceMetadataSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        found: { prmUnusable: true },
        status: 'fail',
        summary: `Invalid protected resource metadata at ${candidate}: ${clip(describeZod(parsed.error), 300)}`,
        details: tried,
        fix: 'Publish a document with at least `resource` and `authorization_servers`.',
        spec: 'RFC 9728 §2',
      };
    }
    const metadata = parsed.data;
    const prm = { url: candidate, metadata };
    const servers = metadata.authorization_servers ?? [];
    tried.push(
      `resource: ${clip(metadata.resource)}`,
      `authorization_servers: ${servers.map((s) => clip(s)).join(', ') || '(none)'}`,
    );
    if (metadata.scopes_supported?.length) {
      tried.push(`scopes_supported: ${metadata.scopes_supported.map((s) => clip(s, 60)).join(' ')}`);
    }
    if (servers.length === 0) {
      return {
        found: { prm, prmUnusable: true },
        status: 'fail',
        summary: 'The protected resource metadata names no authorization server.',
        details: tried,
        fix: 'List the issuer of your authorization server in `authorization_servers`.',
        spec: 'MCP 2025-06-18 Authorization §2.3.1; RFC 9728 §2',
      };
    }
    const found: Findings = { prm, issuer: servers[0] };
    if (servers.length > 1) {
      tried.push(
        `Clients choose one of ${servers.length} authorization servers (RFC 9728 §7.6); the doctor examines the first.`,
      );
    }
    if (!resourceMatches(resource, metadata.resource)) {
      return {
        found,
        status: 'fail',
        summary: `The metadata is for the resource "${clip(metadata.resource)}", not for ${resource}: clients must refuse it.`,
        details: tried,
        fix: `Set "resource" to ${resource} (the URL clients connect to), so tokens are requested for this server.`,
        spec: 'RFC 9728 §3.3; MCP 2025-06-18 Authorization §2.5.1',
      };
    }
    const exact = metadata.resource.replace(/\/$/, '') === resource.replace(/\/$/, '');
    const rootFallback =
      !ctx.found.challengeUrl && wellKnown.length > 1 && candidate === wellKnown[wellKnown.length - 1];
    if (rootFallback) {
      return {
        found,
        status: 'warn',
        summary: `Found only at the root (${candidate}); the path-aware URL ${wellKnown[0]} answered 404.`,
        details: [
          ...tried,
          'MCP clients fall back to the root URL (MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"), so sign-in works; but RFC 9728 §3.1 puts the metadata of a resource with a path at the path-aware URL, and a root document cannot tell apart several MCP servers on one origin.',
        ],
        fix: `Serve the metadata at ${wellKnown[0]}, or point to it with resource_metadata in the WWW-Authenticate challenge.`,
        spec: 'RFC 9728 §3.1; MCP 2025-11-25 Authorization "Protected Resource Metadata Discovery Requirements"',
      };
    }
    if (!exact) {
      return {
        found,
        status: 'warn',
        summary: `The metadata's resource "${clip(metadata.resource)}" covers ${resource} as a prefix, but is not identical to it.`,
        details: [
          ...tried,
          'MCP SDK clients accept a prefix; strict RFC 9728 clients refuse anything but the identical URL.',
        ],
        fix: `Set "resource" to exactly ${resource}.`,
        spec: 'RFC 9728 §3.3',
      };
    }
    return {
      found,
      status: 'pass',
      summary: `Found at ${candidate}; resource matches ${resource}.`,
      details: tried,
      spec: 'RFC 9728 §3.3',
    };
  }
  if (ctx.found.challengeUrl) {
    return {
      found: { prmUnusable: true },
      status: 'fail',
      summary: `The resource_metadata URL from the challenge does not serve the metadata (${tried.join('; ')}).`,
      details: tried,
      fix: `Serve the protected resource metadata at ${ctx.found.challengeUrl}, or fix the URL in the WWW-Authenticate challenge.`,
      spec: 'RFC 9728 §5.1; MCP 2025-06-18 Authorization §2.3.1',
    };
  }
  // No metadata anywhere: clients treat the server as a 2025-03-26 one, whose origin is the authorization server.
  const issuer = new URL(resource).origin;
  return {
    found: { issuer },
    status: 'warn',
    summary:
      "No protected resource metadata: clients fall back to 2025-03-26 behaviour and use the server's origin as its authorization server.",
    details: [...tried, `Assumed authorization server: ${issuer}`],
    fix: `Serve RFC 9728 metadata at ${wellKnown[0]} naming your authorization server, and advertise it with resource_metadata in the WWW-Authenticate challenge (a MUST since MCP 2025-06-18).`,
    spec: 'MCP 2025-06-18 Authorization §2.3.1; RFC 9728 §3; MCP 2025-03-26 Authorization §2.3 (back-compat)',
  };
};
