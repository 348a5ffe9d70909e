/**
 * Building blocks for multi-step quick inputs with a Back button and a "2/5" step counter
 * (the pattern of VS Code's quickinput-sample). A step resolves with the value, or rejects
 * with `InputFlowAction.back` / `InputFlowAction.cancel`; `runSteps` moves between steps.
 */
import * as vscode from 'vscode';

export class InputFlowAction {
  static readonly back = new InputFlowAction('back');
  static readonly cancel = new InputFlowAction('cancel');
  private constructor(readonly name: string) {}
}

export interface StepPosition {
  title: string;
  step: number;
  totalSteps: number;
  canGoBack: boolean;
}

export type Validation = string | vscode.InputBoxValidationMessage | undefined;

export interface InputStepOptions extends StepPosition {
  value?: string;
  prompt?: string;
  placeholder?: string;
  password?: boolean;
  /** Checked on every keystroke and again on Enter; an Error-severity result blocks Enter. */
  validate?: (value: string) => Validation;
}

function isBlocking(v: Validation): boolean {
  if (v === undefined) return false;
  if (typeof v === 'string') return v.length > 0;
  return v.severity === vscode.InputBoxValidationSeverity.Error;
}

export function showInputStep(options: InputStepOptions): Promise<string> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  input.step = options.step;
  input.totalSteps = options.totalSteps;
  input.value = options.value ?? '';
  input.prompt = options.prompt;
  input.placeholder = options.placeholder;
  input.password = options.password ?? false;
  input.ignoreFocusOut = true;
  input.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  const disposables: vscode.Disposable[] = [input];
  return new Promise<string>((resolve, reject) => {
    let done = false;
    const validateNow = (value: string): Validation => {
      const result = options.validate?.(value);
      input.validationMessage = result;
      return result;
    };
    // Show an initial message only when there is something typed (an empty box is not an error yet).
    if (input.value) validateNow(input.value);
    disposables.push(
      input.onDidChangeValue((value) => validateNow(value)),
      input.onDidAccept(() => {
        if (isBlocking(validateNow(input.value))) return;
        done = true;
        resolve(input.value);
        input.hide();
      }),
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) {
          done = true;
          reject(InputFlowAction.back);
          input.hide();
        }
      }),
      input.onDidHide(() => {
        if (!done) reject(InputFlowAction.cancel);
        for (const d of disposables) d.dispose();
      }),
    );
    input.show();
  });
}

export interface PickStepOptions<T extends vscode.QuickPickItem> extends StepPosition {
  items: readonly T[];
  activeItem?: T;
  placeholder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export function showPickStep<T extends vscode.QuickPickItem>(options: PickStepOptions<T>): Promise<T> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.step = options.step;
  pick.totalSteps = options.totalSteps;
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  pick.matchOnDescription = options.matchOnDescription ?? false;
  pick.matchOnDetail = options.matchOnDetail ?? false;
  pick.ignoreFocusOut = true;
  if (options.activeItem) pick.activeItems = [options.activeItem];
  pick.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  const disposables: vscode.Disposable[] = [pick];
  return new Promise<T>((resolve, reject) => {
    let done = false;
    disposables.push(
      pick.onDidAccept(() => {
        const [selected] = pick.selectedItems.length ? pick.selectedItems : pick.activeItems;
        if (!selected) return;
        done = true;
        resolve(selected);
        pick.hide();
      }),
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) {
          done = true;
          reject(InputFlowAction.back);
          pick.hide();
        }
      }),
      pick.onDidHide(() => {
        if (!done) reject(InputFlowAction.cancel);
        for (const d of disposables) d.dispose();
      }),
    );
    pick.show();
  });
}

/**
 * Runs steps in order. A step gets its index and returns normally to go on; throwing
 * `InputFlowAction.back` goes to the previous step, `cancel` ends the flow (returns false).
 * A step may return 'skip' to say it did not show anything, so Back passes over it.
 */
export async function runSteps(steps: ReadonlyArray<(index: number) => Promise<void | 'skip'>>): Promise<boolean> {
  const shown: boolean[] = [];
  let i = 0;
  while (i < steps.length) {
    try {
      shown[i] = (await steps[i](i)) !== 'skip';
      i++;
    } catch (e) {
      if (e === InputFlowAction.back) {
        i--;
        while (i > 0 && shown[i] === false) i--;
        if (i < 0) i = 0;
      } else if (e === InputFlowAction.cancel) {
        return false;
      } else {
        throw e;
      }
    }
  }
  return true;
}

export interface CompletingStepOptions extends StepPosition {
  value?: string;
  /** What to enter (shown as the placeholder). */
  prompt: string;
  /** Suggestions for what is typed so far (the server's `completion/complete`); a failure just shows none. */
  complete(value: string): Promise<string[]>;
  /** Checked on Enter; a message blocks it and is shown on the typed item. */
  validate?: (value: string) => string | undefined;
}

type CompletionItem = vscode.QuickPickItem & { value: string; typed?: boolean };

/** How long typing must pause before suggestions are asked for, so each keystroke is not a request. */
const COMPLETION_DEBOUNCE_MS = 150;

/**
 * A text step that offers suggestions while typing: a quick pick whose first item is the text as
 * typed (free text is always allowed), followed by the suggestions for it.
 */
export function showCompletingStep(options: CompletingStepOptions): Promise<string> {
  const pick = vscode.window.createQuickPick<CompletionItem>();
  pick.title = options.title;
  pick.step = options.step;
  pick.totalSteps = options.totalSteps;
  pick.placeholder = options.prompt;
  pick.ignoreFocusOut = true;
  pick.value = options.value ?? '';
  pick.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  let suggestions: string[] = [];
  let problem: string | undefined;
  const typedItem = (value: string): CompletionItem => ({
    label: value || '(empty)',
    description: value ? 'as typed' : 'leave empty',
    detail: problem,
    value,
    typed: true,
    alwaysShow: true,
  });
  const render = () => {
    const value = pick.value;
    pick.items = [
      typedItem(value),
      ...suggestions
        .filter((s) => s !== value)
        .map((s) => ({ label: s, description: 'suggested', value: s, alwaysShow: true })),
    ];
  };
  let timer: NodeJS.Timeout | undefined;
  let asked = 0;
  const ask = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const value = pick.value;
      const ticket = ++asked;
      pick.busy = true;
      options
        .complete(value)
        .catch(() => [] as string[])
        .then((values) => {
          // A later keystroke asked again: this answer is for old text.
          if (ticket !== asked) return;
          pick.busy = false;
          suggestions = values;
          render();
        });
    }, COMPLETION_DEBOUNCE_MS);
  };
  render();
  ask();
  const disposables: vscode.Disposable[] = [pick];
  return new Promise<string>((resolve, reject) => {
    let done = false;
    disposables.push(
      pick.onDidChangeValue(() => {
        problem = undefined;
        render();
        ask();
      }),
      pick.onDidAccept(() => {
        const [selected] = pick.selectedItems.length ? pick.selectedItems : pick.activeItems;
        const value = selected?.value ?? pick.value;
        problem = options.validate?.(value);
        if (problem) {
          render();
          return;
        }
        done = true;
        resolve(value);
        pick.hide();
      }),
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) {
          done = true;
          reject(InputFlowAction.back);
          pick.hide();
        }
      }),
      pick.onDidHide(() => {
        clearTimeout(timer);
        if (!done) reject(InputFlowAction.cancel);
        for (const d of disposables) d.dispose();
      }),
    );
    pick.show();
  });
}
