/**
 * Types of the connection doctor: a fixed sequence of checks run against one MCP server
 * URL, each with a verdict, an explanation for the server's author and the spec section it enforces.
 * Nothing here imports `vscode`; the extension, the CLI and the tests share it.
 */
import type { FetchLike } from '../auth/types.js';
import type { CheckStatus, RecordedExchange } from '../markdown.js';
import type { ProtocolChoice, ProtocolEra } from '../../shared/protocol.js';

export type { CheckStatus };

/** The checks, in the order they run. */
export const CHECK_IDS = [
  'url',
  'dns-tcp',
  'tls',
  'http',
  'discover',
  'transport',
  'initialize',
  'eras',
  'mcp-method',
  'cache-hints',
  'challenge',
  'resource-metadata',
  'authorization-server-metadata',
  'pkce',
  'registration',
  'token-endpoint-auth',
  'refresh',
  'invalid-token',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, string> = {
  url: 'URL',
  'dns-tcp': 'DNS and TCP',
  tls: 'TLS',
  http: 'HTTP reachability',
  discover: 'Server discovery (2026-07-28)',
  transport: 'Transport',
  initialize: 'Initialize',
  eras: 'Protocol eras',
  'mcp-method': 'Mcp-Method header validation',
  'cache-hints': 'Cache hints (ttlMs, cacheScope)',
  challenge: '401 challenge (WWW-Authenticate)',
  'resource-metadata': 'Protected resource metadata',
  'authorization-server-metadata': 'Authorization server metadata',
  pkce: 'PKCE S256',
  registration: 'Client registration options',
  'token-endpoint-auth': 'Token endpoint auth methods',
  refresh: 'Refresh token support',
  'invalid-token': 'Invalid token handling',
};

/** One HTTP request of the doctor, secrets masked (Authorization, tokens, client secrets). */
export type DoctorExchange = RecordedExchange;

export interface DoctorCheckResult {
  id: CheckId;
  /** 1-based position in the sequence. */
  index: number;
  title: string;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** More lines: what was tried, what answered, notes. */
  details?: string[];
  /** What the server's author should change (fail and warn). */
  fix?: string;
  /** The rule the check enforces, e.g. 'RFC 9728 §3.3'. */
  spec?: string;
  durationMs: number;
  exchanges?: DoctorExchange[];
}

export interface DoctorReport {
  /** The URL as given. */
  url: string;
  startedAt: string;
  durationMs: number;
  /** The transport that answered, when one did. */
  transport?: 'streamable-http' | 'sse';
  /** True when the server answered initialize with 401 (it is protected by OAuth). */
  authorizationRequired: boolean;
  /** What the doctor learned about the protocol eras the server speaks (absent when it could not tell). */
  eras?: DoctorEras;
  checks: DoctorCheckResult[];
  counts: Record<CheckStatus, number>;
  /** No check failed (warnings do not count). */
  ok: boolean;
}

/** The protocol eras a server speaks, as the doctor's probes saw them. */
export interface DoctorEras {
  /** Eras that answered without a token: 'modern' (server/discover), 'legacy' (initialize). */
  speaks: ProtocolEra[];
  /** The versions server/discover offered (`supportedVersions`). */
  supportedVersions?: string[];
  /** The version initialize answered with. */
  legacyVersion?: string;
  modernServerInfo?: { name?: string; version?: string };
  legacyServerInfo?: { name?: string; version?: string };
  /** Both eras answered and name, version and capabilities are the same in both. */
  agree?: boolean;
}

export interface DoctorOptions {
  fetch?: FetchLike;
  /** Limit of each network step (connect, one HTTP request). Default 10 s. */
  timeoutMs?: number;
  transport?: 'auto' | 'streamable-http' | 'sse';
  /**
   * The eras to probe: `auto` (default) and `2026-07-28` send both server/discover and initialize (a
   * modern server is still asked how it refuses 2025 clients); `2025` sends no 2026-07-28 request.
   */
  protocol?: ProtocolChoice;
  /** Called as each check completes (also for skipped checks), in order. */
  onCheck?: (result: DoctorCheckResult) => void;
  signal?: AbortSignal;
  /** Extra headers sent with every request to the MCP endpoint (not to the OAuth endpoints). */
  headers?: Record<string, string>;
  /**
   * Probe the registration endpoint with a throw-away registration for a loopback redirect URI
   * (RFC 7591). Default true. The authorization server keeps that client record.
   */
  probeRegistration?: boolean;
  /**
   * Resolves a non-loopback host name to addresses (default: `dns.lookup` with `all: true`). Loopback
   * names are never resolved. Injected by tests, which must never ask a real resolver.
   */
  lookup?: (hostname: string) => Promise<string[]>;
}
