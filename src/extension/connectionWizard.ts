/**
 * The Add / Edit MCP Connection wizard: transport → URL or command line → name →
 * headers or environment → scope. Every input is checked as it is typed, with a message that
 * says what is wrong; Back returns to the previous step with the values kept.
 * The protocol era is an advanced choice offered in the headers/environment list rather than a
 * step of its own: Auto (negotiate) is right for nearly every server, so "give a URL and press
 * Enter" keeps its four steps, and whoever needs a pin finds it next to the other options.
 */
import * as vscode from 'vscode';
import {
  type ConnectionConfig,
  type ProtocolChoice,
  type TransportKind,
  TRANSPORT_LABELS,
  defaultConnectionName,
  formatCommandLine,
  isHttpConfig,
  newConnectionId,
  parseCommandLine,
  parseEnvAssignment,
  parseHeaderLine,
  validateCommandLine,
  validateConfig,
  validateServerUrl,
} from '../core/config';
import type { ConnectionStore, SavedScope } from './connectionStore';
import { InputFlowAction, runSteps, showInputStep, showPickStep, type StepPosition } from './quickInput';
import { isSensitiveHeaderName } from './settingsConnections';
import { uniqueName, validateConnectionName } from './connectionNames';

export interface WizardResult {
  config: ConnectionConfig;
  scope: SavedScope;
  /** Values for `config.secretHeaders` entered in this run (absent ones keep their stored value). */
  secretValues: Record<string, string>;
}

interface HeaderEntry {
  name: string;
  /** Undefined for a secret kept from before (its value stays in secret storage, unseen). */
  value: string | undefined;
  secret: boolean;
}

interface EnvEntry {
  name: string;
  value: string;
}

export type ScopeSetting = 'ask' | 'user' | 'workspace';

interface TransportItem extends vscode.QuickPickItem {
  transport: TransportKind;
}

const TRANSPORT_ITEMS: TransportItem[] = [
  {
    transport: 'streamable-http',
    label: TRANSPORT_LABELS['streamable-http'],
    detail: 'The current MCP HTTP transport: one endpoint, POST with JSON or SSE responses.',
  },
  { transport: 'sse', label: TRANSPORT_LABELS.sse, detail: 'The older HTTP+SSE transport (protocol 2024-11-05).' },
  { transport: 'auto', label: TRANSPORT_LABELS.auto, detail: 'Try Streamable HTTP first, fall back to SSE.' },
  {
    transport: 'stdio',
    label: TRANSPORT_LABELS.stdio,
    detail: 'Start a local process and talk over its stdin/stdout.',
  },
];

/** What each protocol choice means, for the quick pick and the list item that opens it. */
export const PROTOCOL_CHOICE_LABELS: Readonly<Record<ProtocolChoice, string>> = {
  auto: 'Auto (negotiate, recommended)',
  '2025': '2025 only',
  '2026-07-28': '2026-07-28 only',
};

const PROTOCOL_CHOICE_DETAILS: Readonly<Record<ProtocolChoice, string>> = {
  auto: 'Try MCP 2026-07-28 (server/discover) and fall back to the 2025 revisions (initialize).',
  '2025': 'Speak only the 2025 revisions (initialize); fail rather than use 2026-07-28.',
  '2026-07-28': 'Speak only MCP 2026-07-28 (server/discover, Mcp-Method headers); fail rather than fall back.',
};

/** Why a transport cannot carry a protocol choice, in the words `validateConfig` uses; undefined when it can. */
export function protocolProblem(transport: TransportKind, protocol: ProtocolChoice): string | undefined {
  const probe: ConnectionConfig =
    transport === 'stdio'
      ? { id: 'probe', name: 'probe', transport, command: 'probe', args: [], protocol }
      : { id: 'probe', name: 'probe', transport, url: 'http://127.0.0.1/', protocol };
  return validateConfig(probe, []).find((p) => /protocol|2026-07-28/i.test(p));
}

/** The protocol choice as the header/environment list keeps it between steps. */
interface ProtocolState {
  transport: TransportKind;
  choice: ProtocolChoice;
}

export interface WizardOptions {
  store: ConnectionStore;
  scopeSetting: ScopeSetting;
  /** False in a window without a folder: workspace scope is then not offered. */
  hasWorkspace: boolean;
  /** The connection being edited, if any. */
  existing?: { config: ConnectionConfig; scope: SavedScope };
}

export async function runConnectionWizard(options: WizardOptions): Promise<WizardResult | undefined> {
  const { store, existing } = options;
  const editing = existing?.config;
  const title = editing ? `Edit MCP Connection: ${editing.name}` : 'Add MCP Connection';
  const takenNames = store
    .list()
    .filter((c) => c.config.id !== editing?.id)
    .map((c) => c.config.name);
  const askScope = !editing && options.hasWorkspace && options.scopeSetting === 'ask';
  const totalSteps = askScope ? 5 : 4;

  // Wizard state, kept across Back.
  let transport: TransportKind = editing?.transport ?? 'streamable-http';
  let url = editing && isHttpConfig(editing) ? editing.url : '';
  let commandLine = editing && !isHttpConfig(editing) ? formatCommandLine([editing.command, ...editing.args]) : '';
  let name = editing?.name ?? '';
  let nameTouched = !!editing;
  const headers: HeaderEntry[] = [];
  const env: EnvEntry[] = [];
  if (editing && isHttpConfig(editing)) {
    for (const [n, v] of Object.entries(editing.headers ?? {})) headers.push({ name: n, value: v, secret: false });
    for (const n of editing.secretHeaders ?? []) headers.push({ name: n, value: undefined, secret: true });
  } else if (editing) {
    for (const [n, v] of Object.entries(editing.env ?? {})) env.push({ name: n, value: v });
  }
  const protocol: ProtocolState = { transport, choice: editing?.protocol ?? 'auto' };
  let scope: SavedScope =
    existing?.scope ?? (options.scopeSetting === 'workspace' && options.hasWorkspace ? 'workspace' : 'user');

  const position = (index: number): StepPosition => ({ title, step: index + 1, totalSteps, canGoBack: index > 0 });
  const suggestedName = (): string => {
    let target: Parameters<typeof defaultConnectionName>[0] = { transport, url };
    if (transport === 'stdio') {
      try {
        const [command, ...args] = parseCommandLine(commandLine);
        target = { transport, command, args };
      } catch {
        target = { transport, command: commandLine };
      }
    }
    return uniqueName(defaultConnectionName(target), takenNames);
  };

  const steps: Array<(index: number) => Promise<void | 'skip'>> = [
    // 1. transport
    async (index) => {
      const items = TRANSPORT_ITEMS;
      const picked = await showPickStep({
        ...position(index),
        items,
        activeItem: items.find((i) => i.transport === transport),
        placeholder: 'How does MCP Lens reach the server?',
      });
      transport = picked.transport;
    },
    // 2. URL or command line
    async (index) => {
      if (transport === 'stdio') {
        commandLine = await showInputStep({
          ...position(index),
          value: commandLine,
          prompt: 'The command that starts the server. Quote arguments that contain spaces.',
          placeholder: 'npx -y @modelcontextprotocol/server-everything',
          validate: (v) => validateCommandLine(v),
        });
      } else {
        url = (
          await showInputStep({
            ...position(index),
            value: url,
            prompt: `The ${TRANSPORT_LABELS[transport]} endpoint of the server.`,
            placeholder: transport === 'sse' ? 'http://127.0.0.1:3001/sse' : 'http://127.0.0.1:3001/mcp',
            validate: (v) => validateServerUrl(v),
          })
        ).trim();
      }
    },
    // 3. name
    async (index) => {
      const suggestion = suggestedName();
      const value = await showInputStep({
        ...position(index),
        value: nameTouched ? name : suggestion,
        prompt: 'A name for the connection, shown in the Connections view.',
        validate: (v) => validateConnectionName(v, takenNames),
      });
      name = value.trim();
      nameTouched = name !== suggestion || nameTouched;
    },
    // 4. headers (HTTP) or environment (stdio)
    async (index) => {
      protocol.transport = transport;
      if (transport === 'stdio') await envStep(position(index), env, protocol);
      else await headerStep(position(index), headers, protocol);
    },
    // 5. scope
    async (index) => {
      if (!askScope) return 'skip';
      const items: Array<vscode.QuickPickItem & { scope: SavedScope }> = [
        {
          scope: 'user',
          label: 'User',
          detail: 'Available in every window (kept in this profile\u2019s global state).',
        },
        { scope: 'workspace', label: 'Workspace', detail: 'Only in this workspace (kept in workspace state).' },
      ];
      const picked = await showPickStep({
        ...position(index),
        items,
        activeItem: items.find((i) => i.scope === scope),
        placeholder: 'Where should the connection be saved?',
      });
      scope = picked.scope;
    },
  ];

  if (!(await runSteps(steps))) return undefined;

  const id = editing?.id ?? newConnectionId();
  const secretValues: Record<string, string> = {};
  let config: ConnectionConfig;
  if (transport === 'stdio') {
    const [command, ...args] = parseCommandLine(commandLine);
    config = { id, name, transport: 'stdio', command, args };
    if (env.length) config.env = Object.fromEntries(env.map((e) => [e.name, e.value]));
    if (editing && !isHttpConfig(editing) && editing.cwd) config.cwd = editing.cwd;
    if (editing && !isHttpConfig(editing) && editing.watch?.length) config.watch = editing.watch;
  } else {
    config = { id, name, transport, url };
    const plain = headers.filter((h) => !h.secret && h.value !== undefined);
    const secret = headers.filter((h) => h.secret);
    if (plain.length) config.headers = Object.fromEntries(plain.map((h) => [h.name, h.value as string]));
    if (secret.length) config.secretHeaders = secret.map((h) => h.name);
    for (const h of secret) if (h.value !== undefined) secretValues[h.name] = h.value;
    if (editing && isHttpConfig(editing) && editing.oauthClientId) config.oauthClientId = editing.oauthClientId;
  }
  // Absent means auto: a connection that never chose keeps a config without the field.
  if (protocol.choice !== 'auto') config.protocol = protocol.choice;
  return { config, scope, secretValues };
}

type ListAction<T> =
  { action: 'done' } | { action: 'add'; secret?: boolean } | { action: 'remove'; entry: T } | { action: 'protocol' };

/** The list item that opens the protocol choice; it says the current choice, so a pin is never hidden. */
function protocolItem<T>(protocol: ProtocolState): vscode.QuickPickItem & { act: ListAction<T> } {
  const problem = protocolProblem(protocol.transport, protocol.choice);
  return {
    act: { action: 'protocol' },
    label: `$(versions) Advanced: protocol… ${PROTOCOL_CHOICE_LABELS[protocol.choice]}`,
    description: problem ? 'not possible with this transport' : undefined,
    detail: problem ?? 'Which MCP protocol era to speak. Auto suits nearly every server.',
  };
}

/** The Done item, or the reason Done cannot be taken yet (a pin this transport cannot speak). */
function doneItem<T>(protocol: ProtocolState, ready: string): vscode.QuickPickItem & { act: ListAction<T> } {
  const problem = protocolProblem(protocol.transport, protocol.choice);
  return {
    act: { action: 'done' },
    label: problem ? '$(error) Done' : '$(check) Done',
    detail: problem ? `Cannot save yet: ${problem}` : ready,
  };
}

/** After Done was picked: true when the connection can be saved, else the reason is shown and the list stays. */
function doneAllowed(protocol: ProtocolState): boolean {
  const problem = protocolProblem(protocol.transport, protocol.choice);
  if (problem) void vscode.window.showWarningMessage(problem);
  return !problem;
}

/** The protocol sub-step: Back or Escape returns to the list with the choice unchanged. */
async function protocolStep(position: StepPosition, protocol: ProtocolState): Promise<void> {
  const items: Array<vscode.QuickPickItem & { choice: ProtocolChoice }> = (['auto', '2025', '2026-07-28'] as const).map(
    (choice) => {
      const problem = protocolProblem(protocol.transport, choice);
      return {
        choice,
        label: `${choice === protocol.choice ? '$(check) ' : ''}${PROTOCOL_CHOICE_LABELS[choice]}`,
        description: problem ? 'not over SSE' : undefined,
        detail: problem ?? PROTOCOL_CHOICE_DETAILS[choice],
      };
    },
  );
  try {
    const picked = await showPickStep({
      ...position,
      canGoBack: true,
      items,
      activeItem: items.find((i) => i.choice === protocol.choice),
      placeholder: 'Protocol era (Auto negotiates; a pin fails rather than fall back)',
    });
    const problem = protocolProblem(protocol.transport, picked.choice);
    if (problem) {
      // Refused with the reason; the previous choice stays.
      void vscode.window.showWarningMessage(problem);
      return;
    }
    protocol.choice = picked.choice;
  } catch (e) {
    if (e !== InputFlowAction.back && e !== InputFlowAction.cancel) throw e;
  }
}

async function headerStep(position: StepPosition, headers: HeaderEntry[], protocol: ProtocolState): Promise<void> {
  for (;;) {
    const items: Array<vscode.QuickPickItem & { act: ListAction<HeaderEntry> }> = [
      doneItem(protocol, headers.length ? `Save with ${headers.length} header(s).` : 'No extra headers.'),
      { act: { action: 'add' }, label: '$(add) Add header…', detail: 'Name: value, sent with every request.' },
      {
        act: { action: 'add', secret: true },
        label: '$(lock) Add secret header…',
        detail: 'Kept in secret storage, e.g. Authorization: Bearer …',
      },
      ...headers.map((h) => ({
        act: { action: 'remove', entry: h } as ListAction<HeaderEntry>,
        label: `$(close) ${h.name}: ${h.secret ? '••••••' : h.value}`,
        description: h.secret ? 'secret · select to remove' : 'select to remove',
      })),
      protocolItem(protocol),
    ];
    const picked = await showPickStep({
      ...position,
      items,
      placeholder: 'Optional HTTP headers. Pick Done when finished.',
    });
    if (picked.act.action === 'done') {
      if (doneAllowed(protocol)) return;
      continue;
    }
    if (picked.act.action === 'protocol') {
      await protocolStep(position, protocol);
      continue;
    }
    if (picked.act.action === 'remove') {
      headers.splice(headers.indexOf(picked.act.entry), 1);
      continue;
    }
    const markSecret = picked.act.secret === true;
    try {
      const line = await showInputStep({
        ...position,
        canGoBack: true,
        prompt: markSecret
          ? 'Name: value of a secret header. The value goes to secret storage, never to settings or logs.'
          : 'Name: value. Credential headers (Authorization, Cookie, *-Token, *-Key) are kept secret automatically.',
        placeholder: markSecret ? 'Authorization: Bearer …' : 'X-Client: mcp-lens',
        password: false,
        validate: (v) => {
          const parsed = parseHeaderLine(v);
          if (typeof parsed === 'string') return parsed;
          if (!parsed.value) return `The ${parsed.name} header needs a value after the colon.`;
          if (headers.some((h) => h.name.toLowerCase() === parsed.name.toLowerCase())) {
            return `${parsed.name} is already added; remove it first to change it.`;
          }
          return undefined;
        },
      });
      const parsed = parseHeaderLine(line) as { name: string; value: string };
      headers.push({
        name: parsed.name,
        value: parsed.value,
        secret: markSecret || isSensitiveHeaderName(parsed.name),
      });
    } catch (e) {
      // Back in the header box returns to the list rather than to the previous step.
      if (e !== InputFlowAction.back) throw e;
    }
  }
}

async function envStep(position: StepPosition, env: EnvEntry[], protocol: ProtocolState): Promise<void> {
  for (;;) {
    const items: Array<vscode.QuickPickItem & { act: ListAction<EnvEntry> }> = [
      doneItem(
        protocol,
        env.length ? `Start with ${env.length} extra variable(s).` : 'No extra environment variables.',
      ),
      {
        act: { action: 'add' },
        label: '$(add) Add environment variable…',
        detail: 'NAME=value, merged over the inherited environment.',
      },
      ...env.map((e) => ({
        act: { action: 'remove', entry: e } as ListAction<EnvEntry>,
        label: `$(close) ${e.name}=${e.value}`,
        description: 'select to remove',
      })),
      protocolItem(protocol),
    ];
    const picked = await showPickStep({
      ...position,
      items,
      placeholder: 'Optional environment variables. Pick Done when finished.',
    });
    if (picked.act.action === 'done') {
      if (doneAllowed(protocol)) return;
      continue;
    }
    if (picked.act.action === 'protocol') {
      await protocolStep(position, protocol);
      continue;
    }
    if (picked.act.action === 'remove') {
      env.splice(env.indexOf(picked.act.entry), 1);
      continue;
    }
    try {
      const text = await showInputStep({
        ...position,
        canGoBack: true,
        prompt: 'NAME=value',
        placeholder: 'DEBUG=1',
        validate: (v) => {
          const parsed = parseEnvAssignment(v);
          if (typeof parsed === 'string') return parsed;
          if (env.some((e) => e.name === parsed.name)) {
            return `${parsed.name} is already set; remove it first to change it.`;
          }
          return undefined;
        },
      });
      const parsed = parseEnvAssignment(text) as EnvEntry;
      env.push(parsed);
    } catch (e) {
      // Back in the variable box returns to the list rather than to the previous step.
      if (e !== InputFlowAction.back) throw e;
    }
  }
}
