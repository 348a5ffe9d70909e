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
