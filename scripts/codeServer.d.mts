// Types for scripts/codeServer.mjs, so TypeScript tests (test/e2e, bench) can import it.
import type { Browser, LaunchOptions, Page } from 'playwright-core';

export declare const ROOT: string;
export declare const TOOLS_DIR: string;
export declare const NODE24_BIN_DIR: string;
export declare const CODE_SERVER_BIN: string;
export declare const CHROMIUM: string;
export declare const TEST_OUTPUT_DIR: string;
export declare const EXTENSION_ID: string;
export declare const QUIET_USER_SETTINGS: Readonly<Record<string, unknown>>;
export declare const CHROMIUM_ARGS: readonly string[];

export interface StartCodeServerOptions {
  /** Folder to open; created when missing. */
  workspace: string;
  /** Recorded on the handle, for openWorkbench's payload. */
  extensionDevelopmentPath?: string;
  /** A packaged extension installed (with --force) before code-server starts. */
  vsixPath?: string;
  /** Merged over QUIET_USER_SETTINGS into user-data/User/settings.json. */
  userSettings?: Record<string, unknown>;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Scratch folder for xdg/, user-data/, extensions/ and code-server.log. Default: .test-output/code-server-<time>-<pid>. */
  dir?: string;
  /** Default 60000. */
  readyTimeoutMs?: number;
}

export interface CodeServerHandle {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** Process-group id (= code-server's pid). */
  pid: number;
  dir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  workspace: string;
  extensionDevelopmentPath: string | undefined;
  /** Kills the whole process group (SIGTERM, then SIGKILL); idempotent. */
  stop(): Promise<void>;
}

export interface WorkbenchPayload {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

export declare function assertToolsInstalled(): void;
export declare function freePort(): Promise<number>;
export declare function cleanEnv(extra?: Record<string, string>): Record<string, string>;
export declare function killGroup(pgid: number, graceMs?: number): Promise<void>;
export declare function startCodeServer(options: StartCodeServerOptions): Promise<CodeServerHandle>;
export declare function launchChromium(options?: LaunchOptions): Promise<Browser>;
export declare function workbenchUrl(url: string, folder: string, payload?: WorkbenchPayload): string;
export declare function openWorkbench(
  page: Page,
  url: string,
  folder: string,
  options?: WorkbenchPayload & { timeoutMs?: number },
): Promise<void>;
export declare function runCommand(page: Page, title: string, options?: { timeoutMs?: number }): Promise<void>;
export declare function findFiles(dir: string, pattern: RegExp): string[];
