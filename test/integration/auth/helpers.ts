/** Shared set-up of the engine's integration tests. */
import { OAuthEngine, type OAuthEngineOptions } from '../../../src/core/auth/engine.js';
import { LoopbackRedirect } from '../../../src/core/auth/loopback.js';
import { MemoryAuthStore } from '../../../src/core/auth/store.js';
import { headlessAutoApproveOpener } from '../../support/headlessOpener.js';
import type { AuthStore, FetchLike, HttpExchange, RedirectStrategy } from '../../../src/core/auth/types.js';
import type { Logger } from '../../../src/core/logger.js';

export interface Harness {
  engine: OAuthEngine;
  store: AuthStore;
  exchanges: HttpExchange[];
  logs: string[];
  /** Every URL the engine's fetch and the opener contacted. */
  contacted: string[];
  loopback: LoopbackRedirect;
  browserOpens: string[];
}

export function collectingLogger(into: string[]): Logger {
  const push = (level: string) => (message: string) => into.push(`[${level}] ${message}`);
  return { trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export function makeHarness(
  overrides: Partial<OAuthEngineOptions> & { strategies?: RedirectStrategy[] } = {},
): Harness {
  const exchanges: HttpExchange[] = [];
  const logs: string[] = [];
  const contacted: string[] = [];
  const browserOpens: string[] = [];
  const store = overrides.store ?? new MemoryAuthStore();
  const loopback = new LoopbackRedirect({ pageHoldMs: 5000 });
  const recordingFetch: FetchLike = (url, init) => {
    contacted.push(String(url));
    return fetch(url, init);
  };
  const opener = headlessAutoApproveOpener({ fetch: recordingFetch });
  const engine = new OAuthEngine({
    store,
    logger: collectingLogger(logs),
    openBrowser: async (url) => {
      browserOpens.push(url);
      await opener(url);
    },
    redirectStrategies: overrides.strategies ?? [loopback],
    clientName: 'MCP Lens tests',
    timeoutMs: 20_000,
    fetch: recordingFetch,
    onHttpExchange: (e) => exchanges.push(e),
    ...overrides,
  });
  return { engine, store, exchanges, logs, contacted, loopback, browserOpens };
}

/** Everything the engine emitted, as one string, for leak checks. */
export function emitted(h: Harness): string {
  return JSON.stringify(h.exchanges) + '\n' + h.logs.join('\n');
}
