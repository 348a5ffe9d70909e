import * as assert from 'node:assert/strict';
import './fakeVscode';
import type { ConnectionConfig } from '../../../src/core/config';
import type { Connection } from '../../../src/core/connection';
import type { ConnectionManager } from '../../../src/core/manager';
import type { ConnectionStore } from '../../../src/extension/connectionStore';
import { ConnectionsTreeProvider, eraText } from '../../../src/extension/connectionsTree';

const noEvent = () => ({ dispose() {} });

function itemFor(connection: Partial<Connection> & { config: ConnectionConfig }) {
  const c = {
    id: connection.config.id,
    status: { state: 'connected', since: 0 },
    tools: [],
    resources: [],
    resourceTemplates: [],
    prompts: [],
    ...connection,
  } as unknown as Connection;
  const manager = { list: () => [c], get: () => c, onDidChange: noEvent } as unknown as ConnectionManager;
  const store = {
    get: () => ({ config: c.config, scope: 'user' }),
    onDidChange: noEvent,
  } as unknown as ConnectionStore;
  const tree = new ConnectionsTreeProvider(manager, store);
  const item = tree.getTreeItem({ kind: 'connection', connectionId: c.id });
  tree.dispose();
  return {
    description: String(item.description),
    tooltip: (item.tooltip as { value: string }).value,
    label: (item.accessibilityInformation as { label: string }).label,
  };
}

const http: ConnectionConfig = { id: 'h', name: 'remote', transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp' };

describe('Connections tree: the protocol era', () => {
  it('shows the negotiated 2026-07-28 version, and how it was negotiated in the tooltip', () => {
    const item = itemFor({
      config: http,
      era: 'modern',
      protocolVersion: '2026-07-28',
      negotiation: 'server/discover offered 2026-07-28',
    });
    assert.equal(item.description, 'Streamable HTTP · connected · 2026-07-28');
    assert.match(item.tooltip, /Protocol: auto \(negotiate\) · speaking 2026-07-28/);
    assert.match(item.tooltip, /Negotiation: server\/discover offered 2026-07-28/);
    assert.match(item.label, /protocol 2026-07-28/);
  });

  it('names the 2025 era next to a 2025 version, and shows a pin', () => {
    const item = itemFor({
      config: { ...http, protocol: '2025' },
      era: 'legacy',
      protocolVersion: '2025-11-25',
    });
    assert.equal(item.description, 'Streamable HTTP · connected · 2025-11-25 (2025 era) · pinned 2025');
    assert.match(item.tooltip, /Protocol: pinned to 2025 · speaking 2025-11-25 \(2025 era\)/);
  });

  it('shows only the pin while disconnected (a stale version would mislead)', () => {
    const item = itemFor({
      config: { ...http, protocol: '2026-07-28' },
      status: { state: 'disconnected', since: 0 },
      era: 'modern',
      protocolVersion: '2026-07-28',
    } as Partial<Connection> & { config: ConnectionConfig });
    assert.equal(item.description, 'Streamable HTTP · disconnected · pinned 2026-07-28');
    assert.doesNotMatch(item.tooltip, /speaking/);
  });

  it('says nothing about the era before the core reports one, and clips a hostile version', () => {
    assert.equal(itemFor({ config: http }).description, 'Streamable HTTP · connected');
    const long = itemFor({ config: http, era: 'legacy', protocolVersion: `<b>${'9'.repeat(500)}</b>` });
    assert.ok(long.description.length < 120, long.description);
    assert.equal(eraText('legacy', undefined), '2025 era');
    assert.equal(eraText(undefined, '2025-06-18'), '2025-06-18');
  });
});
