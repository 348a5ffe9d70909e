/** Check 1 of the connection doctor: the URL itself and its canonical resource identifier. */
import { validateServerUrl } from '../../config.js';
import { canonicalResource, isLoopbackHost } from '../../auth/urls.js';
import { bareHost } from '../network.js';
import type { Check } from './context.js';

// ---- 1. URL
export const checkUrl: Check = async (ctx) => {
  const problem = validateServerUrl(ctx.input);
  if (problem) {
    return {
      stop: 'Skipped: the URL is not usable.',
      status: 'fail',
      summary: problem,
      fix: 'Give the full URL of the MCP endpoint, for example https://mcp.example.com/mcp.',
      spec: 'MCP 2025-06-18 Transports §2.2 (Streamable HTTP)',
    };
  }
  const url = new URL(ctx.input.trim());
  const resource = canonicalResource(url);
  const found = { url, resource };
  const details = [`Canonical server URI (RFC 8707 resource): ${resource}`];
  if (url.hash) {
    return {
      found,
      status: 'warn',
      summary: 'The URL has a fragment; it is dropped from the resource identifier.',
      details,
      fix: 'Publish the MCP endpoint without a #fragment.',
      spec: 'MCP 2025-06-18 Authorization §2.5.1 (Canonical Server URI); RFC 8707 §2',
    };
  }
  const loopback = isLoopbackHost(bareHost(url)) || isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    return {
      found,
      status: 'warn',
      summary: `Plain http to a remote host (${url.host}): tokens and MCP traffic would cross the network unencrypted, and OAuth clients refuse non-loopback http endpoints.`,
      details,
      fix: 'Serve the MCP endpoint (and every OAuth endpoint) over https.',
      spec: 'MCP 2025-06-18 Authorization "Communication Security"; OAuth 2.1 §1.5',
    };
  }
  return {
    found,
    status: 'pass',
    summary: `${url.protocol === 'https:' ? 'https' : 'http'} URL${loopback ? ' on loopback' : ''}: ${resource}`,
    details,
  };
};
