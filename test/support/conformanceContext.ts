/**
 * TEST ONLY: what the MCP conformance suite's client scenarios prescribe through
 * MCP_CONFORMANCE_CONTEXT (a pre-registered client, or the grant of a machine-to-machine scenario).
 * The shipped CLI never reads it; the test entry (cliWithTestOpener.ts) hands it to the CLI.
 */
import type { MachineGrant, PreRegisteredClient } from '../../src/core/auth/types';

/**
 * TEST ONLY: the conformance suite passes pre-registered credentials in MCP_CONFORMANCE_CONTEXT
 * (`{"client_id": …, "client_secret": …}`). Read only by the test entry (cliWithTestOpener.ts).
 */
export function conformanceClient(env: NodeJS.ProcessEnv): PreRegisteredClient | undefined {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return undefined;
  try {
    const context = JSON.parse(raw) as { client_id?: unknown; client_secret?: unknown };
    if (typeof context.client_id !== 'string' || !context.client_id) return undefined;
    return {
      clientId: context.client_id,
      ...(typeof context.client_secret === 'string' ? { clientSecret: context.client_secret } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * TEST ONLY: the conformance suite's machine-to-machine scenarios say in MCP_CONFORMANCE_CONTEXT
 * which grant they test: `private_key_pem` (+ `signing_algorithm`) for client credentials with
 * private_key_jwt, `idp_id_token` (+ `idp_token_endpoint`, `idp_issuer`, `idp_client_id`) for
 * cross-app access. The client-secret variant's context looks like a pre-registered client's, so
 * the scenario's `name` (auth/client-credentials-…) tells them apart. Read only by the test entry
 * (cliWithTestOpener.ts).
 */
export function conformanceGrant(env: NodeJS.ProcessEnv): MachineGrant | undefined {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return undefined;
  let context: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    context = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (key: string): string | undefined =>
    typeof context[key] === 'string' && context[key] ? (context[key] as string) : undefined;
  const clientId = text('client_id');
  if (!clientId) return undefined;
  const secret = text('client_secret');
  const idToken = text('idp_id_token');
  if (idToken) {
    const idpClientId = text('idp_client_id');
    if (!idpClientId) return undefined;
    return {
      type: 'cross_app_access',
      client: { clientId, ...(secret ? { clientSecret: secret } : {}) },
      identityProvider: {
        idToken,
        client: { clientId: idpClientId },
        ...(text('idp_token_endpoint') ? { tokenEndpoint: text('idp_token_endpoint') } : {}),
        ...(text('idp_issuer') ? { issuer: text('idp_issuer') } : {}),
      },
    };
  }
  const pem = text('private_key_pem');
  if (pem) {
    return {
      type: 'client_credentials',
      client: {
        clientId,
        privateKey: pem,
        authMethod: 'private_key_jwt',
        ...(text('signing_algorithm') ? { signingAlgorithm: text('signing_algorithm') } : {}),
      },
    };
  }
  const name = text('name') ?? env.MCP_CONFORMANCE_SCENARIO ?? '';
  if (name.startsWith('auth/client-credentials-') && secret) {
    return { type: 'client_credentials', client: { clientId, clientSecret: secret } };
  }
  return undefined;
}
