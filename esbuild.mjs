// Builds the separate bundles: the extension host (Node, CommonJS, `vscode` external) with its
// lazily loaded engine (dist/engine.js), the CLI (Node, CommonJS, runnable), the webview (browser
// IIFE) and the in-VS-Code test suite.
// `--production` minifies and drops source maps; `--watch` rebuilds on change and prints
// problem-matcher friendly lines ("[watch] build started/finished").
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

/**
 * The inspector webview loads the codicon font through asWebviewUri; the .vsix ships no
 * node_modules, so the two files it needs are copied next to the bundle (dist/codicons/).
 */
function copyCodicons() {
  const from = 'node_modules/@vscode/codicons/dist';
  fs.mkdirSync('dist/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`${from}/${file}`, `dist/codicons/${file}`);
}
copyCodicons();

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Reports build start/end in the format the `$esbuild-watch` problem matcher expects, once for all
 * bundles: "finished" only when no bundle is still building, so F5's preLaunchTask does not start
 * the extension while dist/extension.js is still being written.
 */
let building = 0;
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => {
      if (building++ === 0) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (--building === 0) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  plugins: watch ? [watchReporter] : [],
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // jsonc-parser's "main" is a UMD build whose `require('./impl/…')` calls esbuild cannot follow; its ES module
  // build bundles cleanly (Node, for the unit tests, still loads the UMD one).
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

/**
 * Activation must not pay for the SDK (~15 ms to parse, ~100 ms to evaluate). The extension's lazy
 * `require`s of the SDK-heavy core modules (see src/core/lazy.ts) are pointed at a second bundle,
 * dist/engine.js, loaded on the first connect, sign-in or diagnosis. Error classes that cross the
 * two bundles check `instanceof` by a registry symbol (src/core/errors.ts), not by class identity.
 */
const lazyEngine = {
  name: 'lazy-engine',
  setup(build) {
    build.onResolve(
      {
        filter:
          /^(\.\/sdk|\.\.\/\.\.\/core\/auth\/engine|\.\.\/\.\.\/core\/auth\/flow|\.\.\/core\/doctor\/index|\.\.\/\.\.\/core\/checks\/runner)$/,
      },
      (args) => (args.kind === 'require-call' ? { path: './engine.js', external: true } : undefined),
    );
    // Guard: nothing reached statically from activate() may pull the SDK (or Ajv, as heavy: outputSchema
    // and saved checks use it) back in. Thrown, not pushed onto result.errors: esbuild ignores errors
    // added to the result in an onEnd callback, and the build must fail.
    build.onEnd((result) => {
      const inputs = Object.keys(result.metafile?.outputs['dist/extension.js']?.inputs ?? {});
      const problems = [];
      const eager = inputs.filter((i) => /@modelcontextprotocol\/sdk\/dist\/.*\/(types|client\/index)\.js$/.test(i));
      if (eager.length) {
        problems.push(
          `dist/extension.js bundles the SDK eagerly (${eager.join(', ')}): load it through src/core/lazy.ts`,
        );
      }
      const ajv = inputs.filter((i) => /node_modules\/ajv\/dist\/(ajv|core)\.js$/.test(i));
      if (ajv.length) {
        problems.push(
          `dist/extension.js bundles Ajv eagerly (${ajv.join(', ')}): load its user through src/core/lazy.ts`,
        );
      }
      if (problems.length) throw new Error(problems.join('\n'));
    });
  },
};

const configs = [
  {
    ...node,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    metafile: true,
    plugins: [...common.plugins, lazyEngine],
  },
  { ...node, entryPoints: { engine: 'src/core/lazy.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
  },
];
if (!production) {
  // The mocha suite that runs inside a real extension host (code-server or @vscode/test-electron).
  configs.push({
    ...node,
    entryPoints: { 'test/suite/index': 'test/vscode/suite/index.ts' },
    outdir: 'out',
    external: ['vscode', 'mocha'],
  });
  // The CLI with the test-only sign-in stand-in, for the MCP conformance suite (scripts/conformance.mjs).
  configs.push({
    ...node,
    entryPoints: { 'test/cliWithTestOpener': 'test/support/cliWithTestOpener.ts' },
    outdir: 'out',
  });
}

const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } catch {
    process.exitCode = 1; // esbuild has already printed the errors
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}
