/**
 * What the answering services use of `vscode` beyond ./fakeVscode (env.openExternal, Uri.parse,
 * cancellation, `vscode.lm`). Imported before the modules under test: a module's `import * as
 * vscode` copies the fake's members when it loads, so they must exist by then.
 */
import { fakeVscode } from './fakeVscode';

const none = { dispose: () => undefined };

export const opened: string[] = [];
export const lmCalls: Array<{ messages: Array<{ role: string; text: string }>; options: unknown }> = [];
let models: unknown[] = [];
export function setModels(list: unknown[]): void {
  models = list;
}

Object.assign(fakeVscode, {
  env: {
    openExternal: async (uri: { toString(): string }) => {
      opened.push(uri.toString());
      return true;
    },
  },
  CancellationTokenSource: class {
    private cancelled = false;
    readonly token = { isCancellationRequested: false, onCancellationRequested: () => none };
    cancel() {
      this.cancelled = true;
      this.token.isCancellationRequested = true;
    }
    dispose() {
      return this.cancelled;
    }
  },
  LanguageModelChatMessage: {
    User: (text: string) => ({ role: 'user', text }),
    Assistant: (text: string) => ({ role: 'assistant', text }),
  },
  lm: { selectChatModels: async () => models },
});
(fakeVscode.Uri as Record<string, unknown>).parse = (value: string) => ({ toString: () => value });
