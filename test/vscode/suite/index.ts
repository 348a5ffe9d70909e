/**
 * Entry of the mocha suite that runs INSIDE a real extension host: the `extensionTestsPath` module of the
 * @vscode/test-electron contract (`run(): Promise<void>`), loaded by scripts/test-vscode.mjs (code-server's
 * smoke-test driver) or test/runElectron.mjs (desktop VS Code). esbuild bundles it to out/test/suite/index.js
 * with `mocha` external.
 *
 * Test files are imported lazily from TEST_MODULES instead of being globbed at runtime: the bundle holds
 * them, and mocha's `describe`/`it` globals exist only after the `pre-require` event below.
 */
import Mocha from 'mocha';

/** Every test file of the suite. Add new `*.test.ts` files here. */
const TEST_MODULES: Array<[file: string, load: () => Promise<unknown>]> = [
  ['activation.test.ts', () => import('./activation.test')],
  ['store.test.ts', () => import('./store.test')],
  ['connection.test.ts', () => import('./connection.test')],
  ['doctor.test.ts', () => import('./doctor.test')],
  ['authDebugger.test.ts', () => import('./authDebugger.test')],
  ['signInTimeout.test.ts', () => import('./signInTimeout.test')],
  ['outputSchema.test.ts', () => import('./outputSchema.test')],
  ['eras.test.ts', () => import('./eras.test')],
  ['answer.test.ts', () => import('./answer.test')],
  ['lmDraft.test.ts', () => import('./lmDraft.test')],
  ['checks.test.ts', () => import('./checks.test')],
  ['devLoop.test.ts', () => import('./devLoop.test')],
  ['devLoopPython.test.ts', () => import('./devLoopPython.test')],
  ['imports.test.ts', () => import('./imports.test')],
  ['sessionTrace.test.ts', () => import('./sessionTrace.test')],
  ['vscodeMcp.test.ts', () => import('./vscodeMcp.test')],
  ['playground.test.ts', () => import('./playground.test')],
];

export async function run(): Promise<void> {
  // MCP_LENS_VSCODE_GREP (in code-server's environment, which the extension host inherits) runs only the
  // tests whose full title matches, so one new test can be run without the whole suite.
  const grep = process.env.MCP_LENS_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, ...(grep ? { grep } : {}) });
  for (const [file, load] of TEST_MODULES) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
    await load();
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_POST_REQUIRE, globalThis, file, mocha);
  }
  const { passes, failures } = await new Promise<{ passes: number; failures: number }>((resolve) => {
    const runner = mocha.run(() =>
      resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }),
    );
  });
  // scripts/test-vscode.mjs and CI read this line to count the tests.
  console.log(`vscode: ${passes} passed, ${failures} failed`);
  if (failures > 0) throw new Error(`${failures} of ${passes + failures} tests failed in the extension host.`);
}
