/**
 * The MCP SDK's run-time pieces that a connection needs, gathered in one module that is loaded
 * on the first connect (`loadSdk()`), not when the extension activates: evaluating the SDK (its
 * zod schemas above all) costs about 100 ms, which would otherwise be paid by every VS Code
 * window that merely shows the MCP Lens view. Nothing may import this module statically (that
 * would evaluate it at once): use `loadSdk()` from ./connection, and `import type` for types.
 */
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
export { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
export { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
export {
  CallToolResultSchema,
  ErrorCode,
  ListToolsResultSchema,
  LoggingMessageNotificationSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
export { ProcessStdioTransport } from './stdioTransport';
export { checkOutputSchema } from './outputSchema';

export type Sdk = typeof import('./sdk');
