/**
 * The MCP SDK's run-time pieces that a connection needs, gathered in one module that is loaded
 * on the first connect (`loadSdk()`), not when the extension activates: evaluating the SDK (its
 * zod schemas above all) costs about 100 ms, which would otherwise be paid by every VS Code
 * window that merely shows the MCP Lens view. Nothing may import this module statically (that
 * would evaluate it at once): use `loadSdk()` from ./connection, and `import type` for types.
 *
 * The client is the v2 SDK (`@modelcontextprotocol/client`), which speaks both protocol eras:
 * the 2025 revisions (`initialize`) and 2026-07-28 (`server/discover`).
 */
export {
  Client,
  SSEClientTransport,
  SseError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  ProtocolError,
  ProtocolErrorCode,
  LOG_LEVEL_META_KEY,
} from '@modelcontextprotocol/client';
export { ProcessStdioTransport } from './stdioTransport';
export { checkOutputSchema } from './outputSchema';

export type Sdk = typeof import('./sdk');
