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
