/**
 * The host side of the sign-in debugger (src/extension/auth/authDebugger.ts) in the real extension
 * host: step mode waits for Next, Continue releases the rest, Cancel aborts the engine's signal, the
 * finished trace is kept in the Memento masked (by name, whatever the engine recorded), and a removed
 * connection leaves nothing behind. The engine side (the real eight steps against a real
 * authorization server) is tested in test/integration/auth/flowDebugger.test.ts and end to end in
 * test/e2e/vault.test.mjs; here a stand-in AuthService drives the stepper so each transition can be
 * observed.
 */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { OAuthFlowError } from '../../../src/core/auth/errors';
import type { AuthFlowOutcome } from '../../../src/core/auth/flow';
import type { FlowStepper } from '../../../src/core/auth/flowSteps';
import type { Connection } from '../../../src/core/connection';
import { silentLogger } from '../../../src/core/logger';
import type { FlowStepView, FlowTraceView } from '../../../src/shared/protocol';
import { AuthDebugger, TRACE_KEY, type DebuggerAuth } from '../../../src/extension/auth/authDebugger';

class MemoryMemento implements vscode.Memento {
  readonly data = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? defaultValue : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
  }
}

const SECRET_TOKEN = 'at-0123456789-secret';
const SECRET_STATE = 'st-abcdefghij-secret';
const STEPS = [
  { id: 'challenge', index: 1, title: '401 challenge' },
  { id: 'token', index: 7, title: 'Token request' },
  { id: 'initialize', index: 8, title: 'MCP initialize with the token' },
] as const;

function stepResult(step: (typeof STEPS)[number]): FlowStepView {
  return {
    ...step,
    status: 'pass',
    summary: `${step.title} done`,
    details: [],
    // As if an engine had recorded a secret unmasked: the debugger must mask it by name before keeping it.
    exchanges: [
      {
        request: {
          method: 'POST',
          url: `http://127.0.0.1:1/token?state=${SECRET_STATE}`,
          headers: { authorization: `Bearer ${SECRET_TOKEN}`, 'content-type': 'application/json' },
          body: `{"refresh_token":"${SECRET_TOKEN}"}`,
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: `{"access_token":"${SECRET_TOKEN}","token_type":"Bearer"}`,
        },
        durationMs: 3,
      },
    ],
    checks: [{ status: 'pass', summary: 'ok', spec: 'RFC 6749 §5.1' }],
    startedAt: Date.now(),
    durationMs: 3,
  };
}

/** An AuthService stand-in whose sign-in walks the stepper through three steps. */
function standInAuth(): DebuggerAuth & { signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    signals,
    debugSignIn: async (
      _connection: Connection,
      stepper: FlowStepper,
      signal: AbortSignal,
    ): Promise<AuthFlowOutcome> => {
      signals.push(signal);
      for (const step of STEPS) {
        await Promise.race([
          stepper.beforeStep(step),
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
          ),
        ]);
        stepper.afterStep(stepResult(step));
      }
      return {
        token: {
          issuer: 'http://127.0.0.1:1',
          resource: 'http://127.0.0.1:1/mcp',
          clientId: 'c',
          scopes: [],
          obtainedAt: Date.now(),
          hasRefreshToken: false,
        },
        initialize: {},
      };
    },
    vault: unused,
    refreshNow: unused,
    signOut: unused,
    forgetClientRegistration: unused,
    copyAccessToken: unused,
  } as DebuggerAuth & { signals: AbortSignal[] };
}

const connection = (id: string) =>
  ({
    id,
    config: { id, name: `Server ${id}`, transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp' },
  }) as unknown as Connection;

describe('Sign-in debugger host (AuthDebugger)', () => {
  let memento: MemoryMemento;
  let auth: ReturnType<typeof standInAuth>;
  let debug: AuthDebugger;
  let seen: FlowTraceView[];

  beforeEach(() => {
    memento = new MemoryMemento();
    auth = standInAuth();
    debug = new AuthDebugger(auth, memento, silentLogger);
    seen = [];
    debug.onDidChangeTrace(({ trace }) => seen.push(trace));
  });
  afterEach(() => debug.dispose());

  /** Resolves when the trace of `id` satisfies `ok`. */
  function until(id: string, ok: (t: FlowTraceView) => boolean): Promise<FlowTraceView> {
    return new Promise((resolve, reject) => {
      const now = debug.trace(id);
      if (now && ok(now)) return resolve(now);
      const timer = setTimeout(
        () => reject(new Error(`timed out; last state ${JSON.stringify(debug.trace(id)?.state)}`)),
        5000,
      );
      const sub = debug.onDidChangeTrace(({ connectionId, trace }) => {
        if (connectionId === id && ok(trace)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(trace);
        }
      });
    });
  }

  it('step mode: pauses before each step, Next runs one, Continue runs the rest; the kept trace is masked', async () => {
    debug.startDebug(connection('a'), 'step');
    let t = await until('a', (x) => x.state === 'paused' && x.next?.id === 'challenge');
    assert.equal(t.steps.length, 0, 'nothing ran before the first Next');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(debug.trace('a')?.state, 'paused', 'still waiting: no timer releases a step');

    debug.next('a');
    t = await until('a', (x) => x.state === 'paused' && x.next?.id === 'token');
    assert.deepEqual(
      t.steps.map((s) => s.id),
      ['challenge'],
    );

    debug.continueRun('a');
    t = await until('a', (x) => x.state === 'succeeded');
    assert.deepEqual(
      t.steps.map((s) => s.id),
      ['challenge', 'token', 'initialize'],
    );
    assert.equal(t.mode, 'run', 'Continue switched the run to straight through');
    assert.ok(t.finishedAt && t.finishedAt >= t.startedAt);

    const kept = memento.data.get(TRACE_KEY('a'));
    assert.ok(kept, 'the last trace is kept in the workspace state');
    assert.ok(!kept.includes(SECRET_TOKEN) && !kept.includes(SECRET_STATE), 'no token or state in the kept trace');
    assert.ok(!JSON.stringify(debug.trace('a')).includes(SECRET_TOKEN), 'nor in what the webview gets after the run');
    assert.ok(seen.some((x) => x.state === 'paused') && seen.some((x) => x.state === 'running'));
  });

  it('a second debug run of the same connection is refused while one runs', async () => {
    debug.startDebug(connection('b'), 'step');
    await until('b', (x) => x.state === 'paused');
    assert.throws(() => debug.startDebug(connection('b'), 'run'), /already being debugged/);
    debug.cancel('b');
    await until('b', (x) => x.state === 'cancelled');
  });

  it('Cancel while paused aborts the sign-in with a cancel, and says so in the trace', async () => {
    debug.startDebug(connection('c'), 'step');
    await until('c', (x) => x.state === 'paused');
    debug.cancel('c');
    const t = await until('c', (x) => x.state === 'cancelled');
    assert.equal(t.error, undefined, 'a cancel is not an error');
    const reason: unknown = auth.signals[0].reason;
    assert.ok(auth.signals[0].aborted && reason instanceof OAuthFlowError && reason.code === 'cancelled');
    assert.ok(memento.data.has(TRACE_KEY('c')));
  });

  it('a removed connection cancels its run and keeps no trace, even when the run ends afterwards', async () => {
    debug.startDebug(connection('d'), 'run');
    await until('d', (x) => x.state === 'succeeded');
    assert.ok(memento.data.has(TRACE_KEY('d')));
    debug.startDebug(connection('d'), 'step');
    await until('d', (x) => x.state === 'paused');
    await debug.forgetConnection('d');
    assert.ok(auth.signals[1].aborted, 'the running sign-in was cancelled');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(memento.data.has(TRACE_KEY('d')), false, 'nothing kept for a removed connection');
    assert.equal(debug.trace('d'), undefined);
  });
});
