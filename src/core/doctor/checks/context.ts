/**
 * What the connection doctor's checks share. Each check reads what the earlier checks found
 * (`CheckContext.found`, read-only) and returns its verdict together with what it found and, when
 * the checks after it cannot run, why (`CheckResult`). The runner in ../diagnose.ts merges the
 * findings in order, so which check learns what is visible in the types.
 */
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { SentResponse } from '../http.js';
import type { CheckStatus, DoctorOptions } from '../types.js';

/** What a check concludes; the runner adds id, title, timing and exchanges. */
export interface Verdict {
  status: CheckStatus;
  summary: string;
  details?: string[];
  fix?: string;
  spec?: string;
}

/** The server's answer to the unauthenticated initialize (checks 4–7). */
export interface InitOutcome {
  /** `refused`: a server that speaks 2026-07-28 turned the 2025 initialize down (see `refusal`). */
  kind: 'initialized' | 'auth-required' | 'error' | 'refused';
  transport?: 'streamable-http' | 'sse';
  /** The 401 (its headers carry the challenge of check 7). */
  challengeResponse?: { status: number; headers: Headers };
  result?: Record<string, unknown>;
  error?: string;
  status?: number;
  /** How a modern server refused initialize: its JSON-RPC error code, when the body was one. */
  refusal?: { rpcCode?: number; rpcMessage?: string; contentType?: string };
}

/** The server's answer to the unauthenticated `server/discover` probe (check 5). */
export interface DiscoverOutcome {
  /**
   * `modern`: a valid DiscoverResult; `invalid`: a result that is not one; `legacy`: a JSON-RPC error or
   * a 4xx (a 2025 server); `auth-required`: 401; `broken`: 5xx, a hang, or a body that is not JSON-RPC.
   */
  kind: 'modern' | 'invalid' | 'legacy' | 'auth-required' | 'broken';
  status?: number;
  result?: Record<string, unknown>;
  supportedVersions?: string[];
  serverInfo?: { name?: string; version?: string };
  /** The 2026-07-28-era version the next probes use (one the server offered). */
  version?: string;
  error?: string;
}

export interface AsMetadataFound {
  url: string;
  type: 'oauth' | 'oidc';
  record: Record<string, unknown>;
}

export interface RegistrationProbe {
  accepted: boolean;
  tokenEndpointAuthMethod?: string;
  clientSecretIssued?: boolean;
}

/** What the checks learn about the server, each field set by one check for the ones after it. */
export interface Findings {
  /** Check 1: the parsed URL and its canonical resource identifier (RFC 8707). */
  url?: URL;
  resource?: string;
  /** Check 2: the address the TCP connection reached (check 3 shakes hands with it). */
  connectedAddress?: string;
  /** Check 4: the first request of the transport negotiation (check 5 reads its answer). */
  firstProbe?: SentResponse;
  /** Check 5: the answer to the server/discover probe (2026-07-28). */
  discover?: DiscoverOutcome;
  /** Check 6: the answer to the unauthenticated initialize. */
  init?: InitOutcome;
  /** Check 7: the 401 has no Bearer challenge (check 14 does not report it twice), or names its metadata. */
  challengeMissing?: boolean;
  challengeUrl?: string;
  /** Check 8: the protected resource metadata, or that there is none usable, and the issuer to examine. */
  prm?: { url: string; metadata: OAuthProtectedResourceMetadata };
  prmUnusable?: boolean;
  issuer?: string;
  /** Check 9: the authorization server metadata clients use. */
  asMetadata?: AsMetadataFound;
  /** Check 11: what the probe registration was given. */
  registration?: RegistrationProbe;
}

/** A check's verdict, what it found, and (`stop`) why no later check can run. */
export interface CheckResult extends Verdict {
  found?: Findings;
  stop?: string;
}

export interface CheckContext {
  /** The URL as the user gave it. */
  readonly input: string;
  readonly options: DoctorOptions;
  readonly timeoutMs: number;
  /** What the earlier checks found. */
  readonly found: Readonly<Findings>;
  /** Sends a request and records the exchange under the running check. */
  send(
    url: string,
    init: RequestInit & { headers?: Record<string, string> },
    opts?: { stream?: boolean; timeoutMs?: number },
  ): Promise<SentResponse>;
  /** The connection's own headers, plus `extra`. */
  mcpHeaders(extra?: Record<string, string>): Record<string, string>;
}

export type Check = (ctx: CheckContext) => Promise<CheckResult>;
