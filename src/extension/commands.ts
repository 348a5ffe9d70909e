/**
 * The one registry of command ids. `scripts/checkCommands.mjs` reads this file and checks it
 * against package.json (`contributes.commands`, menus, the engine range that generates activation events), and the handler
 * table in `commandHandlers.ts` is typed `Record<CommandId, …>`, so a command cannot be
 * contributed without a handler or registered without a contribution.
 * Keep this file free of imports: the check script parses it as text.
 */
export const COMMANDS = {
  addConnection: 'mcpLens.addConnection',
  connect: 'mcpLens.connect',
  disconnect: 'mcpLens.disconnect',
  reconnect: 'mcpLens.reconnect',
  editConnection: 'mcpLens.editConnection',
  removeConnection: 'mcpLens.removeConnection',
  refresh: 'mcpLens.refresh',
  callTool: 'mcpLens.callTool',
  readResource: 'mcpLens.readResource',
  getPrompt: 'mcpLens.getPrompt',
  showLog: 'mcpLens.showLog',
  signIn: 'mcpLens.signIn',
  signOut: 'mcpLens.signOut',
  forgetClientRegistration: 'mcpLens.forgetClientRegistration',
  configureOAuthClient: 'mcpLens.configureOAuthClient',
  diagnoseConnection: 'mcpLens.diagnoseConnection',
  openTokenVault: 'mcpLens.openTokenVault',
  runChecks: 'mcpLens.runChecks',
  watchServerSources: 'mcpLens.watchServerSources',
  debugServer: 'mcpLens.debugServer',
  stopDebuggingServer: 'mcpLens.stopDebuggingServer',
  importServers: 'mcpLens.importServers',
  exportConnection: 'mcpLens.exportConnection',
  exportSessionTrace: 'mcpLens.exportSessionTrace',
  openSessionTrace: 'mcpLens.openSessionTrace',
  inspectVsCodeServer: 'mcpLens.inspectVsCodeServer',
  openVsCodeMcpJson: 'mcpLens.openVsCodeMcpJson',
  addToVsCode: 'mcpLens.addToVsCode',
  forgetVsCodeInputs: 'mcpLens.forgetVsCodeInputs',
  /** Registered by src/extension/inspector/inspectorPanel.ts (registerInspector), not by the handler table. */
  openInspector: 'mcpLens.openInspector',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

export const COMMAND_IDS: readonly CommandId[] = Object.values(COMMANDS);
