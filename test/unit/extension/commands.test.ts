import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCommands, checkRepository, commandIdsFromSource } from '../../../scripts/checkCommands.mjs';
import { COMMAND_IDS } from '../../../src/extension/commands';

const ROOT = path.resolve(__dirname, '../../..');

describe('command registry vs package.json', () => {
  it('agree in this repository', () => {
    const { commandIds, problems } = checkRepository(ROOT);
    assert.deepEqual(problems, []);
    assert.deepEqual(commandIds, [...COMMAND_IDS], 'the script reads the same ids the code registers');
    // The eleven connection commands, plus sign-in, the inspector and the doctor.
    for (const id of [
      'mcpLens.addConnection',
      'mcpLens.callTool',
      'mcpLens.showLog',
      'mcpLens.signIn',
      'mcpLens.signOut',
      'mcpLens.diagnoseConnection',
    ]) {
      assert.ok(commandIds.includes(id as (typeof COMMAND_IDS)[number]), `${id} is registered`);
    }
  });

  it('reports a command missing from package.json, a foreign one, a bad category and unknown menu commands', () => {
    const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    packageJson.contributes.commands = packageJson.contributes.commands.filter(
      (c: { command: string }) => c.command !== 'mcpLens.showLog',
    );
    packageJson.contributes.commands.push({
      command: 'mcpLens.stray',
      title: 'Stray',
      category: 'MCP Lens',
      icon: '$(x)',
    });
    packageJson.contributes.commands[0].category = 'Other';
    packageJson.contributes.menus['view/title'].push({ command: 'mcpLens.nope' });
    packageJson.activationEvents.push('*');
    const problems = checkCommands({ packageJson, commandIds: [...COMMAND_IDS] });
    assert.ok(
      problems.some((p) => p.includes('mcpLens.showLog is registered in code but not in package.json')),
      problems.join('\n'),
    );
    assert.ok(problems.some((p) => p.includes('mcpLens.stray is contributed in package.json but not registered')));
    assert.ok(problems.some((p) => p.includes('category "Other"')));
    assert.ok(problems.some((p) => p.includes('unknown command mcpLens.nope')));
    assert.ok(problems.some((p) => p.includes('"*"')));
  });

  it('requires an engine that generates onCommand activation events, and no hand-written ones', () => {
    const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.ok(packageJson.activationEvents.includes('onUri'), 'onUri is not generated, so it stays');
    packageJson.engines.vscode = '^1.73.0';
    packageJson.activationEvents.push('onCommand:mcpLens.showLog');
    const problems = checkCommands({ packageJson, commandIds: [...COMMAND_IDS] });
    assert.ok(
      problems.some((p) => p.includes('engines.vscode is "^1.73.0"')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('lists onCommand:mcpLens.showLog')),
      problems.join('\n'),
    );
  });

  it('parses the COMMANDS block of the source', () => {
    assert.deepEqual(commandIdsFromSource("export const COMMANDS = {\n  a: 'x.a',\n  b: 'x.b',\n} as const;"), [
      'x.a',
      'x.b',
    ]);
    assert.throws(() => commandIdsFromSource('const nothing = 1;'), /COMMANDS/);
  });
});

describe('connection menus vs the tree’s context values', () => {
  // Every context value the Connections tree gives (src/extension/connectionsTree.ts):
  // connection.<state>.<editable|settings|vscode>.<http|stdio>, and the fixed ones of the other nodes.
  const states = ['disconnected', 'connecting', 'connected', 'error', 'auth-required'];
  const connectionValues = states.flatMap((state) =>
    ['editable', 'settings', 'vscode'].flatMap((origin) =>
      ['http', 'stdio'].map((transport) => `connection.${state}.${origin}.${transport}`),
    ),
  );
  const otherValues = [
    'vscodeServers',
    'vscodeFileProblem',
    'vscodeServer',
    'vscodeServer.problem',
    'group.tools',
    'group.resources',
    'group.prompts',
    'tool',
    'resource',
    'resourceTemplate',
    'prompt',
  ];
  const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const items = packageJson.contributes.menus['view/item/context'] as { command: string; when: string }[];
  /** The values an item's `viewItem == x` or `viewItem =~ /re/` clause accepts. */
  const accepted = (when: string) => {
    const equal = /viewItem == ([\w.-]+)/.exec(when);
    if (equal) return [...connectionValues, ...otherValues].filter((v) => v === equal[1]);
    const match = /viewItem =~ \/(.+)\/$/.exec(when);
    assert.ok(match, `a viewItem clause in: ${when}`);
    const re = new RegExp(match[1]);
    return [...connectionValues, ...otherValues].filter((v) => re.test(v));
  };

  it('every item shows on some node', () => {
    for (const item of items) assert.ok(accepted(item.when).length > 0, `${item.command} never shows: ${item.when}`);
  });

  it('Edit and Remove show on saved connections only, the dev loop on stdio ones', () => {
    const on = (command: string) =>
      new Set(items.filter((i) => i.command === command).flatMap((i) => accepted(i.when)));
    for (const command of ['mcpLens.editConnection', 'mcpLens.removeConnection', 'mcpLens.watchServerSources']) {
      const values = on(command);
      assert.ok(
        values.has(
          command === 'mcpLens.watchServerSources'
            ? 'connection.connected.editable.stdio'
            : 'connection.connected.editable.http',
        ),
        command,
      );
      assert.ok(
        ![...values].some((v) => v.includes('.settings.') || v.includes('.vscode.')),
        `${command} not on read-only connections`,
      );
    }
    assert.ok(![...on('mcpLens.debugServer')].some((v) => v.endsWith('.http')), 'Debug Server only on stdio');
  });
});
