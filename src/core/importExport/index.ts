/** Import and export of MCP server configs written for other clients (Claude, Cursor, Windsurf, Cline, the MCP registry). */
export * from './importConfigs';
export * from './exportConfigs';
