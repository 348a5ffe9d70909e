/**
 * A small stand-in for the `vscode` module, enough to run the wizard, the quick-input helpers and
 * the Connections tree in plain Node. `installFakeVscode()` makes `require('vscode')` return it.
 * Quick inputs are driven by a script: each time one is shown, the next step of `ui.script` runs
 * against it (pick an item, type and accept, press Back, or Escape), as a person would.
 */
import Module from 'node:module';

type Listener<T> = (value: T) => void;

class FakeEmitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export interface FakeQuickItem {
  label: string;
  description?: string;
  detail?: string;
}

/** What a script step sees: the widget as shown, and the actions a person has. */
export interface ShownInput {
  kind: 'pick' | 'input';
  title?: string;
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  prompt?: string;
  value: string;
  items: FakeQuickItem[];
  validationMessage?: unknown;
  /** Picks the first item whose label matches. */
  pick(label: RegExp): void;
  /** Replaces the value (running validation) and presses Enter. */
  type(value: string): void;
  /** In a quick pick: types `value`, waits until an item whose label matches appears (items may come later), and picks it. */
  typeThenPick(value: string, label: RegExp): void;
  back(): void;
  escape(): void;
}

export type ScriptStep = (shown: ShownInput) => void;

const BACK = { iconPath: 'back', tooltip: 'Back' };

class FakeQuickInputBase {
  title?: string;
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  ignoreFocusOut = false;
  buttons: unknown[] = [];
  readonly onDidAcceptEmitter = new FakeEmitter<void>();
  readonly onDidHideEmitter = new FakeEmitter<void>();
  readonly onDidTriggerButtonEmitter = new FakeEmitter<unknown>();
  readonly onDidAccept = this.onDidAcceptEmitter.event;
  readonly onDidHide = this.onDidHideEmitter.event;
  readonly onDidTriggerButton = this.onDidTriggerButtonEmitter.event;
  private hidden = false;
  hide(): void {
    if (this.hidden) return;
    this.hidden = true;
    this.onDidHideEmitter.fire();
  }
  dispose(): void {
    this.hide();
  }
  protected shownAs(kind: 'pick' | 'input'): ShownInput {
    return {
      kind,
      title: this.title,
      step: this.step,
      totalSteps: this.totalSteps,
      placeholder: this.placeholder,
      value: '',
      items: [],
      pick: () => assert(false, `a ${kind} has no items`),
      type: () => assert(false, `a ${kind} takes no text`),
      typeThenPick: () => assert(false, `a ${kind} takes no typing`),
      back: () => {
        assert(this.buttons.includes(BACK), `no Back button on "${this.title}" step ${this.step}`);
        this.onDidTriggerButtonEmitter.fire(BACK);
      },
      escape: () => this.hide(),
    };
  }
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

class FakeQuickPick<T extends FakeQuickItem> extends FakeQuickInputBase {
  items: readonly T[] = [];
  value = '';
  busy = false;
  readonly onDidChangeValueEmitter = new FakeEmitter<string>();
  readonly onDidChangeValue = this.onDidChangeValueEmitter.event;
  activeItems: readonly T[] = [];
  selectedItems: readonly T[] = [];
  matchOnDescription = false;
  matchOnDetail = false;
  show(): void {
    ui.shown(() => ({
      ...this.shownAs('pick'),
      items: [...this.items],
      pick: (label: RegExp) => {
        const item = this.items.find((i) => label.test(i.label));
        assert(!!item, `no item ${label} in: ${this.items.map((i) => i.label).join(' | ')}`);
        this.selectedItems = [item];
        this.onDidAcceptEmitter.fire();
      },
      typeThenPick: (value: string, label: RegExp) => {
        this.value = value;
        this.onDidChangeValueEmitter.fire(value);
        const deadline = Date.now() + 2000;
        const poll = () => {
          const item = this.items.find((i) => label.test(i.label));
          if (item) {
            this.selectedItems = [item];
            this.onDidAcceptEmitter.fire();
          } else if (Date.now() > deadline) {
            ui.errors.push(
              new Error(`no item ${label} after typing "${value}": ${this.items.map((i) => i.label).join(' | ')}`),
            );
            this.hide();
          } else setTimeout(poll, 10);
        };
        poll();
      },
    }));
  }
}

class FakeInputBox extends FakeQuickInputBase {
  value = '';
  prompt?: string;
  password = false;
  validationMessage: unknown;
  readonly onDidChangeValueEmitter = new FakeEmitter<string>();
  readonly onDidChangeValue = this.onDidChangeValueEmitter.event;
  show(): void {
    ui.shown(() => ({
      ...this.shownAs('input'),
      value: this.value,
      prompt: this.prompt,
      validationMessage: this.validationMessage,
      type: (value: string) => {
        this.value = value;
        this.onDidChangeValueEmitter.fire(value);
        this.onDidAcceptEmitter.fire();
        assert(
          !this.validationMessage,
          `"${value}" was refused on step ${this.step}: ${JSON.stringify(this.validationMessage)}`,
        );
      },
    }));
  }
}

/** The scripted person in front of the quick inputs, and the messages the extension showed. */
export const ui = {
  script: [] as ScriptStep[],
  seen: [] as ShownInput[],
  messages: [] as Array<{ severity: 'info' | 'warning' | 'error'; text: string }>,
  errors: [] as unknown[],
  reset(script: ScriptStep[]): void {
    this.script = [...script];
    this.seen = [];
    this.messages = [];
    this.errors = [];
  },
  shown(view: () => ShownInput): void {
    // Like VS Code, the widget appears after the call that showed it returns.
    setImmediate(() => {
      const shown = view();
      this.seen.push(shown);
      const step = this.script.shift();
      try {
        if (!step) throw new Error(`unexpected input with no script left: "${shown.placeholder ?? shown.prompt}"`);
        step(shown);
      } catch (e) {
        this.errors.push(e);
        shown.escape();
      }
    });
  },
};

class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  accessibilityInformation?: unknown;
  constructor(
    public label: string,
    public collapsibleState?: number,
  ) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class MarkdownString {
  isTrusted = false;
  supportHtml = false;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendText(text: string): this {
    // VS Code escapes Markdown in appendText; the fake keeps the text readable for assertions.
    this.value += text;
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

const message =
  (severity: 'info' | 'warning' | 'error') =>
  async (text: string): Promise<undefined> => {
    ui.messages.push({ severity, text });
    return undefined;
  };

export const fakeVscode = {
  window: {
    createQuickPick: () => new FakeQuickPick(),
    createInputBox: () => new FakeInputBox(),
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
  },
  QuickInputButtons: { Back: BACK },
  InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  EventEmitter: FakeEmitter,
  // Enough for the inspector panel to build its page: URIs are only joined and printed.
  Uri: {
    joinPath: (base: { toString(): string }, ...segments: string[]) => {
      const text = [base.toString(), ...segments].join('/');
      return { toString: () => text };
    },
    parse: (text: string) => ({ toString: () => text }),
  },
  ViewColumn: { Active: -1, Beside: -2 },
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
};

let installed = false;

/** Makes `require('vscode')` return the fake (idempotent). Call before importing extension modules. */
export function installFakeVscode(): void {
  if (installed) return;
  installed = true;
  const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = moduleWithLoad._load;
  moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fakeVscode;
    return load.call(this, request, ...rest);
  };
}

// Importing this module installs the fake, so a test imports it before any module that imports vscode.
installFakeVscode();
