// ESLint flat config: typescript-eslint's recommended rules for all TypeScript, plus a few that match the
// project's style (no `any` in public APIs, no console in extension/webview code: use the Logger).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'dist-vsix/**', '.tools/**', '.test-output/**', '.vscode-test/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      curly: ['error', 'multi-line'],
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
