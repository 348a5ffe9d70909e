#!/usr/bin/env node
// Runs the in-extension-host mocha suite (out/test/suite/index.js) in desktop VS Code through
// @vscode/test-electron, for machines WITH internet access: runTests() downloads VS Code into .vscode-test/.
// On this offline machine the download fails (ENOTFOUND update.code.visualstudio.com); use
// `npm run test:vscode` (scripts/test-vscode.mjs), which runs the same suite inside code-server instead.
// `npm run test:electron` builds first (node esbuild.mjs).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const extensionDevelopmentPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const extensionTestsPath = path.join(extensionDevelopmentPath, 'out/test/suite/index.js');
// The test-only chat model provider the suite drafts sampling replies with (desktop VS Code, unlike the
// web workbench, takes several development extensions).
const lmProvider = path.join(extensionDevelopmentPath, 'test/fixtures/lmProvider');

try {
  const code = await runTests({
    extensionDevelopmentPath: [extensionDevelopmentPath, lmProvider],
    extensionTestsPath,
    // A scratch workspace-less window without other extensions keeps the run deterministic.
    launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  process.exit(code);
} catch (e) {
  console.error(`[test-electron] ${e instanceof Error ? e.message : e}`);
  console.error('[test-electron] Without internet, run `npm run test:vscode` (code-server) instead.');
  process.exit(1);
}
