/**
 * Auth-tab fixtures for the harness, recorded from the REAL engine: the flow debugger's steps
 * come from `runAuthFlow` with a stepper against our loopback fixtures (simple-auth for a
 * successful sign-in, the defective `wrong-issuer` server for a refusal at step 3), so the
 * webview is tested with exactly what the host would send. The vault is a JWT sign-in.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { OAuthEngine } from '../../../src/core/auth/engine';
import { runAuthFlow } from '../../../src/core/auth/flow';
import type { FlowStepResult } from '../../../src/core/auth/flowSteps';
import { LoopbackRedirect } from '../../../src/core/auth/loopback';
import { MemoryAuthStore } from '../../../src/core/auth/store';
import { headlessAutoApproveOpener } from '../../support/headlessOpener';
import type { FlowStepView, VaultView } from '../../../src/shared/protocol';
import { startDefectiveServer } from '../../fixtures/defective/server';
import { startSimpleAuthServer } from '../../fixtures/simpleAuth/server';

export interface AuthFlowFixture {
  resource: string;
  serverName: string;
  steps: FlowStepView[];
}

async function record(mcpUrl: string): Promise<{ steps: FlowStepView[]; secrets?: string[] }> {
  const loopback = new LoopbackRedirect({ pageHoldMs: 1000 });
  const opener = headlessAutoApproveOpener();
  const engine = new OAuthEngine({
    store: new MemoryAuthStore(),
    openBrowser: (u) => opener(u),
    redirectStrategies: [loopback],
    timeoutMs: 20_000,
  });
  const steps: FlowStepResult[] = [];
  const clients: Client[] = [];
  await runAuthFlow(engine, mcpUrl, {
    serverName: 'Fixture server',
    stepper: { beforeStep: async () => undefined, afterStep: (r) => void steps.push(r) },
    connect: async () => {
      const client = new Client({ name: 'mcp-lens-harness', version: '0.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(mcpUrl), { fetch: engine.authorizedFetch(mcpUrl) }),
      );
      clients.push(client);
      const v = client.getServerVersion();
      return { serverName: v?.name, serverVersion: v?.version, transport: 'streamable-http' };
    },
  }).catch(() => undefined);
  await Promise.all(clients.map((c) => c.close()));
  return { steps };
}

/** A successful sign-in to simple-auth: eight steps. Also returns every token the server issued (for leak checks). */
export async function recordSuccessfulFlow(): Promise<AuthFlowFixture & { issuedTokens: string[] }> {
  const server = await startSimpleAuthServer({
    githubClientId: 'harness-client',
    githubClientSecret: 'harness-secret',
    autoApprove: true,
  });
  try {
    const { steps } = await record(server.mcpUrl);
    if (steps.length !== 8) throw new Error(`expected 8 recorded steps, got ${steps.map((s) => s.id).join(', ')}`);
    return {
      resource: server.mcpUrl,
      serverName: 'Fixture server',
      steps,
      issuedTokens: server.controls.issuedTokenValues(),
    };
  } finally {
    await server.close();
  }
}

/** A sign-in refused at step 3: the authorization server's metadata names another issuer (RFC 8414 §3.3). */
export async function recordWrongIssuerFlow(): Promise<AuthFlowFixture> {
  const server = await startDefectiveServer('wrong-issuer');
  try {
    const { steps } = await record(server.mcpUrl);
    return { resource: server.mcpUrl, serverName: 'Fixture server', steps };
  } finally {
    await server.close();
  }
}

/** base64url JSON, for building JWT parts in tests. */
export const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A signed-in vault with a JWT access token, as the host decodes it (the token itself is never in it). */
export function jwtVault(connectionId: string, resource: string): VaultView {
  const now = Date.now();
  return {
    connectionId,
    state: 'signed-in',
    resource,
    issuer: 'http://127.0.0.1:3001/',
    clientId: 'dcr-7f3a',
    clientSource: 'dynamic-registration',
    scopes: ['mcp:tools', 'mcp:resources'],
    obtainedAt: now - 6 * 60_000,
    expiresAt: now + 54 * 60_000,
    hasRefreshToken: true,
    tokenFormat: 'jwt',
    jwt: {
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'key-1' },
      payload: {
        iss: 'http://127.0.0.1:3001/',
        sub: 'octo-demo',
        aud: resource,
        scope: 'mcp:tools mcp:resources',
        exp: Math.floor(now / 1000) + 3240,
      },
    },
    registration: {
      clientId: 'dcr-7f3a',
      registeredAt: now - 86_400_000,
      redirectUris: ['http://127.0.0.1:53117/callback'],
      tokenEndpointAuthMethod: 'none',
      hasClientSecret: false,
    },
    revocationEndpoint: 'http://127.0.0.1:3001/revoke',
  };
}
