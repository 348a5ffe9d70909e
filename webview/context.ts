/** What the tabs share: the host connection, the persisted state, the selection and the history. */
import type {
  ConnectionDetails,
  ConnectionView,
  HistoryEntry,
  JsonObject,
  JsonValue,
  TabId,
  WebviewState,
} from '../src/shared/protocol';
import type { HostConnection } from './rpc';
import type { ResultContext } from './results';

export interface AppContext {
  readonly host: HostConnection;
  readonly state: WebviewState;
  saveState(): void;
  connection(): ConnectionView | undefined;
  details(): ConnectionDetails | undefined;
  addHistory(entry: HistoryEntry): void;
  updateHistory(entry: HistoryEntry): void;
  resultContext(connectionId: string): ResultContext;
  showTab(tab: TabId, item?: string): void;
  /** Runs a history entry again in its tab, with the same arguments. */
  rerun(entry: HistoryEntry): void;
  copy(text: string): void;
  /** The full result of a call made since this page loaded (history keeps bounded copies). */
  fullResult(id: string): JsonValue | undefined;
}

export interface Tab {
  readonly element: HTMLElement;
  /** The selected connection or its lists changed. */
  refresh(): void;
  /** The tab became the visible one (work skipped while hidden can catch up). */
  shown?(): void;
  /** Shows an item (tool name, resource URI, prompt name…). */
  focusItem?(item: string): void;
  /** Runs a history entry again. */
  rerun?(entry: HistoryEntry, args: JsonObject): void;
}

export function newId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Results bigger than this are kept in history only as a size marker (state is JSON-serialized on every save). */
export const MAX_HISTORY_RESULT_CHARS = 256 * 1024;
export const MAX_HISTORY = 200;
