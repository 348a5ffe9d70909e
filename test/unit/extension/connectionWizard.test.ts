import * as assert from 'node:assert/strict';
import { ui, type ScriptStep, type ShownInput } from './fakeVscode';
import type { ConnectionConfig } from '../../../src/core/config';
import { runConnectionWizard, type WizardResult } from '../../../src/extension/connectionWizard';
import type { ConnectionStore } from '../../../src/extension/connectionStore';

const SSE_REFUSAL =
  'MCP 2026-07-28 is not spoken over SSE: choose Streamable HTTP (or auto), or pin the protocol to 2025.';

function storeWith(configs: ConnectionConfig[] = []): ConnectionStore {
  return { list: () => configs.map((config) => ({ config, scope: 'user' as const })) } as unknown as ConnectionStore;
}

async function run(
  script: ScriptStep[],
  existing?: ConnectionConfig,
): Promise<{ result: WizardResult | undefined; seen: ShownInput[] }> {
  ui.reset(script);
  const result = await runConnectionWizard({
    store: storeWith(existing ? [existing] : []),
    scopeSetting: 'user',
    hasWorkspace: false,
    existing: existing ? { config: existing, scope: 'user' } : undefined,
  });
  assert.deepEqual(ui.errors, [], 'the script ran as written');
  assert.equal(ui.script.length, 0, 'every scripted step was shown');
  return { result, seen: ui.seen };
}

const pick =
  (label: RegExp): ScriptStep =>
  (s) =>
    s.pick(label);
const type =
  (value: string): ScriptStep =>
  (s) =>
    s.type(value);
const acceptSuggestion: ScriptStep = (s) => s.type(s.value);
const protocolItem = /^\$\(versions\) Advanced: protocol…/;

describe('connection wizard: the protocol era', () => {
  it('keeps the happy path at four steps with no protocol choice: a URL and Enter give an auto connection', async () => {
    const { result, seen } = await run([
      pick(/Streamable HTTP/),
      type('http://127.0.0.1:3001/mcp'),
      acceptSuggestion,
      pick(/Done/),
    ]);
    assert.deepEqual(
      seen.map((s) => `${s.step}/${s.totalSteps}`),
      ['1/4', '2/4', '3/4', '4/4'],
    );
    assert.ok(result);
    assert.equal(result.config.protocol, undefined, 'absent means auto');
    assert.equal(result.config.transport, 'streamable-http');
    const last = seen[3];
    assert.equal(last.items[0].label, '$(check) Done');
    const advanced = last.items.find((i) => protocolItem.test(i.label));
    assert.ok(advanced, 'the protocol choice is offered in the last list');
    assert.match(advanced.label, /Auto \(negotiate, recommended\)$/);
  });

  it('pins 2026-07-28 from the advanced item, and shows the pin in the list afterwards', async () => {
    const { result, seen } = await run([
      pick(/Streamable HTTP/),
      type('http://127.0.0.1:3001/mcp'),
      acceptSuggestion,
      pick(protocolItem),
      pick(/2026-07-28 only/),
      pick(/Done/),
    ]);
    const choices = seen[4];
    assert.deepEqual(
      choices.items.map((i) => i.label),
      ['$(check) Auto (negotiate, recommended)', '2025 only', '2026-07-28 only'],
    );
    assert.equal(choices.step, 4, 'the choice is part of step 4, not a step of its own');
    assert.match(seen[5].items.find((i) => protocolItem.test(i.label))!.label, /2026-07-28 only$/);
    assert.equal(result?.config.protocol, '2026-07-28');
  });

  it('offers the choice for stdio too (in the environment list) and pins 2025', async () => {
    const { result } = await run([
      pick(/stdio/i),
      type('node server.js'),
      acceptSuggestion,
      pick(protocolItem),
      pick(/2025 only/),
      pick(/Done/),
    ]);
    assert.equal(result?.config.transport, 'stdio');
    assert.equal(result?.config.protocol, '2025');
  });

  it('refuses 2026-07-28 over SSE with the reason and keeps the previous choice', async () => {
    const { result, seen } = await run([
      pick(/SSE/),
      type('http://127.0.0.1:3001/sse'),
      acceptSuggestion,
      pick(protocolItem),
      pick(/2026-07-28 only/),
      pick(/Done/),
    ]);
    const option = seen[4].items.find((i) => /2026-07-28/.test(i.label));
    assert.equal(option?.detail, SSE_REFUSAL, 'the reason is shown before it is picked');
    assert.deepEqual(ui.messages, [{ severity: 'warning', text: SSE_REFUSAL }]);
    assert.equal(result?.config.transport, 'sse');
    assert.equal(result?.config.protocol, undefined);
  });

  it('editing a 2026-07-28 connection into SSE blocks Done until the pin changes', async () => {
    const existing: ConnectionConfig = {
      id: 'e1',
      name: 'modern',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:3001/mcp',
      protocol: '2026-07-28',
    };
    const { result, seen } = await run(
      [
        pick(/SSE/),
        type('http://127.0.0.1:3001/sse'),
        acceptSuggestion,
        pick(/Done/),
        pick(protocolItem),
        pick(/2025 only/),
        pick(/Done/),
      ],
      existing,
    );
    assert.equal(seen[3].items[0].label, '$(error) Done');
    assert.equal(seen[3].items[0].detail, `Cannot save yet: ${SSE_REFUSAL}`);
    assert.equal(seen[4].kind, 'pick', 'Done did not close the list');
    assert.deepEqual(ui.messages, [{ severity: 'warning', text: SSE_REFUSAL }]);
    assert.deepEqual(result?.config, {
      id: 'e1',
      name: 'modern',
      transport: 'sse',
      url: 'http://127.0.0.1:3001/sse',
      protocol: '2025',
    });
  });

  it('keeps an existing pin through an edit that does not touch it, and Back from the choice changes nothing', async () => {
    const existing: ConnectionConfig = {
      id: 's1',
      name: 'local',
      transport: 'stdio',
      command: 'node',
      args: [],
      protocol: '2025',
    };
    const { result } = await run(
      [pick(/stdio/i), acceptSuggestion, acceptSuggestion, pick(protocolItem), (s) => s.back(), pick(/Done/)],
      existing,
    );
    assert.equal(result?.config.protocol, '2025');
  });
});
