/**
 * The SDK-heavy part of the core, as one module that the extension loads on first use and
 * esbuild builds as its own bundle, dist/engine.js (see esbuild.mjs): the SDK's client and
 * transports, the OAuth engine and the connection doctor. Loading it costs about 100 ms of
 * evaluation and 15 ms of parsing, which activation does not pay. The lazy `require`s of
 * ./sdk (connection.ts), ./auth/engine and ./auth/flow (authService.ts), ./doctor/index (doctorCommand.ts)
 * and ../../core/checks/runner (the saved checks' runner, src/extension/checks/checksService.ts)
 * all resolve to it in the extension bundle; elsewhere (CLI, tests) they resolve as written.
 */
export * from './sdk';
export { OAuthEngine } from './auth/engine';
export { runAuthFlow } from './auth/flow';
export * from './doctor/index';
export { checkTargetOf, runChecks } from './checks/runner';
