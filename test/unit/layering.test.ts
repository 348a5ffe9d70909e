import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');

/** The messages of the layering rule (eslint.config.mjs) for `code` placed at `file`. */
async function layering(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layering (README Contributing → Layout) as lint rules', function () {
  this.timeout(30_000);

  it('src/core and src/cli: no vscode, no src/extension, no tests', async () => {
    const core = await layering(
      'src/core/probe.ts',
      "import * as vscode from 'vscode';\nimport { COMMANDS } from '../extension/commands';\nexport const x = [vscode, COMMANDS];\n",
    );
    assert.equal(core.length, 2, core.join('\n'));
    assert.match(core[0]!, /never import vscode/);
    assert.match(core[1]!, /never import src\/extension/);
    const cli = await layering(
      'src/cli/probe.ts',
      "import { x } from '../../test/support/everything';\nexport const y = x;\n",
    );
    assert.match(cli.join('\n'), /never imports tests/);
  });

  it('src/extension: the SDK and the SDK-heavy core only lazily; types are fine', async () => {
    const bad = await layering(
      'src/extension/probe.ts',
      "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nimport { OAuthEngine } from '../core/auth/engine';\nexport const z = [Client, OAuthEngine];\n",
    );
    assert.equal(bad.length, 2, bad.join('\n'));
    assert.match(bad[0]!, /loads the SDK only lazily/);
    assert.match(bad[1]!, /lazy `require`/);
    const fine = await layering(
      'src/extension/probe.ts',
      "import type { Tool } from '@modelcontextprotocol/sdk/types.js';\nimport type { DoctorReport } from '../core/doctor/index';\nimport { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';\nexport type T = Tool | DoctorReport;\nexport const u = UriTemplate;\n",
    );
    assert.deepEqual(fine, []);
  });

  it('src/shared imports nothing outside itself', async () => {
    const messages = await layering(
      'src/shared/probe.ts',
      "import { isHttpConfig } from '../core/config';\nimport type { TabId } from './protocol';\nexport const w = isHttpConfig;\nexport type T = TabId;\n",
    );
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.match(messages[0]!, /src\/shared imports nothing outside/);
  });

  it('webview: only src/shared and its own files; no Node built-ins, vscode, core or SDK', async () => {
    const messages = await layering(
      'webview/probe.ts',
      [
        "import * as fs from 'fs';",
        "import { createHash } from 'node:crypto';",
        "import * as vscode from 'vscode';",
        "import { isHttpConfig } from '../src/core/config';",
        "import { Client } from '@modelcontextprotocol/sdk/client/index.js';",
        "import { TAB_IDS } from '../src/shared/protocol';",
        "import { h } from './dom';",
        'export const v = [fs, createHash, vscode, isHttpConfig, Client, TAB_IDS, h];',
      ].join('\n'),
    );
    assert.equal(messages.length, 5, messages.join('\n'));
    assert.match(
      messages.join('\n'),
      /no Node built-ins[\s\S]*no Node built-ins[\s\S]*no vscode module[\s\S]*imports only src\/shared[\s\S]*does not load the MCP SDK/,
    );
  });
});
