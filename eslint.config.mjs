// ESLint flat config: typescript-eslint's recommended rules for all TypeScript, plus a few that match the
// project's style (no `any` in public APIs, no console in extension/webview code: use the Logger).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'dist-vsix/**',
      '.tools/**',
      '.test-output/**',
      '.vscode-test/**',
      'node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      curly: ['error', 'multi-line'],
    },
  },
  // The layering of README.md (Contributing → Layout), enforced: a wrong import fails `npm run lint` with the rule
  // and its reason. One block per layer, because a later block that sets the same rule replaces an earlier one.
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'src/core and src/cli never import vscode: they run in plain Node (CLI, tests) too. Put VS Code code in src/extension.',
            },
          ],
          patterns: [
            {
              group: ['**/extension', '**/extension/**'],
              message:
                'src/core and src/cli never import src/extension (the VS Code adapters depend on the core, not the other way round).',
            },
            {
              group: ['**/test/**', '**/webview/**'],
              message:
                'Shipped code never imports tests or the webview; tests inject what they need through a test entry (test/support).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@modelcontextprotocol/sdk/(?!shared/uriTemplate\\.js$)',
              allowTypeImports: true,
              message:
                'src/extension loads the SDK only lazily (src/core/lazy.ts): a value import puts it in dist/extension.js and slows activation (esbuild.mjs refuses that build). `import type` is fine.',
            },
            {
              group: [
                '**/core/sdk',
                '**/core/lazy',
                '**/core/auth/engine',
                '**/core/auth/flow',
                // The OAuth engine's modules, which import the SDK's auth client at run time.
                '**/core/auth/authorizationCode',
                '**/core/auth/bearer',
                '**/core/auth/clientAuth',
                '**/core/auth/context',
                '**/core/auth/discovery',
                '**/core/auth/index',
                '**/core/auth/machineGrants',
                '**/core/auth/preflight',
                '**/core/auth/registration',
                '**/core/auth/revocation',
                '**/core/auth/tokens',
                '**/core/doctor/index',
                '**/core/doctor/diagnose',
                '**/core/doctor/checks/*',
              ],
              allowTypeImports: true,
              message:
                'These core modules pull in the SDK: load them from src/extension with a lazy `require` (see src/core/lazy.ts and esbuild.mjs), so activation stays light. `import type` is fine.',
            },
            {
              group: ['**/cli', '**/cli/**', '**/test/**', '**/webview/**'],
              message:
                'src/extension never imports the CLI, tests or the webview code (the webview is a separate browser bundle; talk to it through src/shared/protocol.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                'src/shared imports nothing outside src/shared: the host and the browser webview both load it unchanged.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'The webview is a browser page: it has no vscode module. Talk to the host through src/shared/protocol.ts (webview/rpc.ts).',
            },
            ...builtinModules.map((name) => ({ name, message: 'The webview runs in the browser: no Node built-ins.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The webview runs in the browser: no Node built-ins.' },
            {
              regex: '^\\.\\./src/(?!shared/)',
              message:
                'The webview imports only src/shared (and its own files): src/core and src/extension are host code, with Node, the SDK and secrets.',
            },
            {
              regex: '^@modelcontextprotocol/sdk/(?!shared/uriTemplate\\.js$)',
              message:
                'The webview does not load the MCP SDK (Node code, and weight in dist/webview.js); only the dependency-free RFC 6570 UriTemplate is allowed.',
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS helpers (test/support/*.cjs) use require/module.exports by design.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Extension host and webview code log through the Logger (vscode.LogOutputChannel), never the console.
    files: ['src/extension/**/*.ts', 'src/core/**/*.ts', 'webview/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
