/**
 * The LLM playground's conversation loop, without VS Code: a chat model (behind `PlaygroundModel`,
 * adapted from `vscode.lm` in ./vscodeModel) answers with text and tool calls; each tool call waits
 * for the person's Approve or Deny; an approved call goes to the MCP server through the connection
 * (the inspector's own traced path) and its result goes back to the model, for at most
 * MAX_ROUNDS model requests per message. Everything that happens is an entry of the transcript.
 */
import { ConnectionError } from '../../core/errors';
import type {
  JsonObject,
  JsonValue,
  PlaygroundEntryView,
  PlaygroundToolCallState,
  PlaygroundView,
} from '../../shared/protocol';

/** Model requests per message: a model that keeps calling tools is stopped rather than looping forever. */
export const MAX_ROUNDS = 8;

/** A tool as the model sees it (VS Code's LanguageModelChatTool). */
export interface PlaygroundModelTool {
  name: string;
  description: string;
  inputSchema: JsonObject;
}

export interface PlaygroundToolCallRequest {
  callId: string;
  /** The name the model was given (see modelToolNames). */
  name: string;
  input: JsonObject;
}

/** The conversation as the model is sent it. */
export type PlaygroundMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: PlaygroundToolCallRequest[] }
  | { role: 'tool-results'; results: Array<{ callId: string; text: string }> };

export interface PlaygroundModel {
  readonly id: string;
  readonly name: string;
  /** One model request: streams its text through `onText` and returns the tool calls it asked for. */
  respond(
    messages: readonly PlaygroundMessage[],
    tools: readonly PlaygroundModelTool[],
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<{ toolCalls: PlaygroundToolCallRequest[] }>;
}

/** What the session needs of an MCP tool (a `Tool` of the SDK). */
export interface PlaygroundMcpTool {
  name: string;
  description?: string;
  inputSchema: unknown;
}

/** What the session needs of a tool result (a CallToolResult). */
export interface PlaygroundToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

export interface PlaygroundSessionDeps {
  connectionId: string;
  /** The model to use (the first offered when `modelId` is absent); throws a ConnectionError saying why there is none. */
  resolveModel(modelId: string | undefined): Promise<PlaygroundModel>;
  /** The connection's tools now. */
  tools(): readonly PlaygroundMcpTool[];
  callTool(name: string, args: JsonObject, signal: AbortSignal): Promise<PlaygroundToolResult>;
  onDidChange(view: PlaygroundView): void;
}

/**
 * Tool names the model may be given: letters, digits, `_` and `-`, at most 64 characters (what chat
 * model APIs accept); other MCP names are rewritten, made unique, and mapped back when called.
 */
export function modelToolNames(tools: readonly PlaygroundMcpTool[]): Map<string, string> {
  const byModelName = new Map<string, string>();
  for (const tool of tools) {
    const base = tool.name.replace(/[^\w-]/g, '_').slice(0, 64) || 'tool';
    let name = base;
    for (let n = 2; byModelName.has(name); n++) name = `${base.slice(0, 60)}_${n}`;
    byModelName.set(name, tool.name);
  }
  return byModelName;
}

/** The text a tool result gives the model: its text parts, else its structured content as JSON, else what the parts are. */
export function toolResultText(result: PlaygroundToolResult): string {
  const parts = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const texts = parts.filter((p) => p?.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
  if (texts.length > 0) return texts.join('\n');
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  if (parts.length === 0) return '(the tool returned no content)';
  return parts
    .map((p) =>
      p?.type === 'resource_link' || p?.type === 'resource'
        ? `[${String(p.type)} ${String(p.uri ?? (p.resource as { uri?: unknown } | undefined)?.uri ?? '')}]`
        : `[${String(p?.type)}${typeof p?.mimeType === 'string' ? ` ${p.mimeType}` : ''}]`,
    )
    .join('\n');
}

export function deniedText(tool: string): string {
  return `The user denied the call of ${tool}; it did not run.`;
}

type ToolCallEntry = Extract<PlaygroundEntryView, { kind: 'tool-call' }>;

export class PlaygroundSession {
  private entries: PlaygroundEntryView[] = [];
  private messages: PlaygroundMessage[] = [];
  private state: PlaygroundView['state'] = 'idle';
  private modelId?: string;
  private running?: AbortController;
  private nextId = 1;
  /** Bumped by clear(): a turn stopped by it must not write into the new conversation. */
  private generation = 0;
  /** Pending tool calls' decisions, by entry id. */
  private readonly decisions = new Map<string, (approve: boolean) => void>();

  constructor(private readonly deps: PlaygroundSessionDeps) {}

  view(): PlaygroundView {
    return {
      connectionId: this.deps.connectionId,
      ...(this.modelId ? { modelId: this.modelId } : {}),
      state: this.state,
      entries: this.entries.map((e) => ({ ...e })),
    };
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Starts a turn and returns once it has started; the returned promise of `done` settles when the
   * turn ends (a reply, an error entry, or a stop). Throws when a turn is already running.
   */
  send(text: string, modelId?: string): { done: Promise<void> } {
    if (this.running) {
      throw new ConnectionError(
        'invalid-config',
        'The model is still answering the last message.',
        'Wait for it, or press Stop.',
      );
    }
    const controller = new AbortController();
    this.running = controller;
    this.add({ id: this.newId(), kind: 'user', text });
    this.state = 'thinking';
    this.changed();
    const done = this.turn(text, modelId, controller.signal).finally(() => {
      for (const resolve of this.decisions.values()) resolve(false);
      this.decisions.clear();
      this.running = undefined;
      this.state = 'idle';
      this.changed();
    });
    return { done };
  }

  decide(entryId: string, approve: boolean): void {
    const resolve = this.decisions.get(entryId);
    if (!resolve) {
      throw new ConnectionError('not-found', 'That tool call is no longer waiting for a decision.');
    }
    this.decisions.delete(entryId);
    // At once, so the view never shows a decided call as still waiting (the turn goes on asynchronously).
    const entry = this.entries.find((e) => e.id === entryId);
    if (entry?.kind === 'tool-call') entry.state = approve ? 'running' : 'denied';
    this.changed();
    resolve(approve);
  }

  cancel(): void {
    this.running?.abort();
  }

  clear(): void {
    this.cancel();
    this.generation++;
    this.entries = [];
    this.messages = [];
    this.changed();
  }

  dispose(): void {
    this.cancel();
  }

  private async turn(text: string, modelId: string | undefined, signal: AbortSignal): Promise<void> {
    // On an error or a stop the conversation the model sees goes back to before this message, so the
    // next message does not carry half a round (tool calls without their results).
    const before = this.messages.length;
    const generation = this.generation;
    try {
      const model = await this.deps.resolveModel(modelId);
      this.modelId = model.id;
      this.messages.push({ role: 'user', text });
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const names = modelToolNames(this.deps.tools());
        const tools = this.modelTools(names);
        let answer: ToolCallEntry | Extract<PlaygroundEntryView, { kind: 'assistant' }> | undefined;
        let answerText = '';
        this.state = 'thinking';
        this.changed();
        const { toolCalls } = await model.respond(
          this.messages,
          tools,
          (chunk) => {
            // Text that still arrives after Stop (or New chat) belongs to no conversation.
            if (signal.aborted) return;
            answerText += chunk;
            if (!answer || answer.kind !== 'assistant') {
              answer = { id: this.newId(), kind: 'assistant', text: '' };
              this.add(answer);
            }
            answer.text += chunk;
            this.changed();
          },
          signal,
        );
        if (signal.aborted) throw new ConnectionError('cancelled', 'Stopped.');
        this.messages.push({ role: 'assistant', text: answerText, toolCalls });
        if (toolCalls.length === 0) return;
        if (round === MAX_ROUNDS) {
          this.add({
            id: this.newId(),
            kind: 'error',
            message: `${model.name} still asked for tools after ${MAX_ROUNDS} rounds, so the playground stopped it.`,
            hint: 'Send another message to let it continue, or ask for fewer steps.',
          });
          this.messages.length = before;
          return;
        }
        const results: Array<{ callId: string; text: string }> = [];
        for (const call of toolCalls) {
          results.push({ callId: call.callId, text: await this.runToolCall(call, names, signal) });
        }
        this.messages.push({ role: 'tool-results', results });
      }
    } catch (e) {
      if (generation !== this.generation) return;
      this.messages.length = before;
      for (const entry of this.entries) {
        if (entry.kind === 'tool-call' && (entry.state === 'pending' || entry.state === 'running')) {
          entry.state = 'cancelled';
        }
      }
      if (signal.aborted) {
        this.add({ id: this.newId(), kind: 'notice', text: 'Stopped.' });
        return;
      }
      const error = e instanceof ConnectionError ? e : undefined;
      this.add({
        id: this.newId(),
        kind: 'error',
        message: error?.message ?? `The playground failed: ${e instanceof Error ? e.message : String(e)}`,
        ...(error?.hint ? { hint: error.hint } : {}),
      });
    }
  }

  private modelTools(names: Map<string, string>): PlaygroundModelTool[] {
    const byName = new Map(this.deps.tools().map((t) => [t.name, t]));
    return [...names].map(([modelName, mcpName]) => {
      const tool = byName.get(mcpName);
      const schema = tool?.inputSchema;
      return {
        name: modelName,
        description: tool?.description || `The MCP tool ${mcpName}.`,
        inputSchema:
          typeof schema === 'object' && schema !== null && !Array.isArray(schema)
            ? (schema as JsonObject)
            : { type: 'object' },
      };
    });
  }

  /** Asks the person, then runs (or not) one tool call; returns what the model is told. */
  private async runToolCall(
    call: PlaygroundToolCallRequest,
    names: Map<string, string>,
    signal: AbortSignal,
  ): Promise<string> {
    const tool = names.get(call.name);
    const entry: ToolCallEntry = {
      id: this.newId(),
      kind: 'tool-call',
      tool: tool ?? call.name,
      args: toJsonObject(call.input),
      state: 'pending',
    };
    this.add(entry);
    if (!tool) {
      // Models can invent names; nothing to approve, and the model learns it was wrong.
      return this.settle(entry, 'failed', `There is no tool named ${call.name}.`, true);
    }
    this.state = 'waiting';
    this.changed();
    const approve = await new Promise<boolean>((resolve) => {
      this.decisions.set(entry.id, resolve);
      signal.addEventListener('abort', () => resolve(false), { once: true });
    });
    if (signal.aborted) throw new ConnectionError('cancelled', 'Stopped.');
    if (!approve) return this.settle(entry, 'denied', deniedText(tool), false);
    this.state = 'thinking';
    this.setState(entry, 'running');
    try {
      const result = await this.deps.callTool(tool, entry.args, signal);
      const text = toolResultText(result);
      return this.settle(entry, result.isError ? 'failed' : 'done', text, result.isError === true);
    } catch (e) {
      if (signal.aborted) throw e;
      const message = e instanceof Error ? e.message : String(e);
      return this.settle(entry, 'failed', `The call of ${tool} failed: ${message}`, true);
    }
  }

  private settle(entry: ToolCallEntry, state: PlaygroundToolCallState, text: string, isError: boolean): string {
    entry.resultText = text;
    if (isError) entry.isError = true;
    this.setState(entry, state);
    return isError && state === 'failed' ? `Error: ${text}` : text;
  }

  private setState(entry: ToolCallEntry, state: PlaygroundToolCallState): void {
    entry.state = state;
    this.changed();
  }

  private add(entry: PlaygroundEntryView): void {
    this.entries.push(entry);
    this.changed();
  }

  private newId(): string {
    return `p${this.nextId++}`;
  }

  private changed(): void {
    this.deps.onDidChange(this.view());
  }
}

function toJsonObject(value: unknown): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  // A model's tool input is JSON already; the round trip drops anything that is not (undefined, functions).
  return JSON.parse(JSON.stringify(value)) as { [key: string]: JsonValue };
}
