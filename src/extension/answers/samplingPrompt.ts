/**
 * Turns a server's `sampling/createMessage` params into what a VS Code language model takes, and
 * the model's text into a CreateMessageResult draft. Pure (no `vscode` import) so it is unit-tested
 * in plain Node; src/extension/answers/languageModels.ts feeds it to `vscode.lm`.
 *
 * VS Code's chat messages have two roles (user, assistant) and no system role, so the server's
 * `systemPrompt` goes first as a user message that says what it is. Content that a text-only chat
 * request cannot carry (images, audio, tool use) is described in a line of text instead of being
 * dropped silently, so the model (and the person reviewing the draft) know something was there.
 */
import type { JsonObject, JsonValue } from '../../shared/protocol';

export interface ChatPromptMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface ChatPrompt {
  messages: ChatPromptMessage[];
  /** The server's `maxTokens` (a positive integer), when it sent a usable one. */
  maxTokens?: number;
  /** `modelPreferences.hints[].name`, in the server's order of preference. */
  modelHints: string[];
}

/** A sampling request the model cannot be asked: says what is wrong with it. */
export class SamplingPromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamplingPromptError';
  }
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One content block as text for a text-only model. */
function blockText(block: JsonValue): string {
  if (!isObject(block)) return '';
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? block.text : '';
    case 'image':
    case 'audio': {
      const mime = typeof block.mimeType === 'string' ? block.mimeType : 'unknown type';
      return `[${block.type} (${mime}) omitted: the language model request carries text only]`;
    }
    case 'tool_use':
      return `[tool use: ${typeof block.name === 'string' ? block.name : 'unnamed tool'} ${JSON.stringify(block.input ?? {})}]`;
    case 'tool_result': {
      const inner = Array.isArray(block.content) ? block.content.map(blockText).filter(Boolean).join('\n') : '';
      return `[tool result${block.isError === true ? ' (error)' : ''}]${inner ? `\n${inner}` : ''}`;
    }
    default:
      return `[${typeof block.type === 'string' ? block.type : 'unknown'} content omitted]`;
  }
}

/** The params of `sampling/createMessage` as a text chat for a VS Code language model. */
export function toChatPrompt(params: JsonObject): ChatPrompt {
  const raw = params.messages;
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new SamplingPromptError('The sampling request has no messages to send to a language model.');
  }
  const messages: ChatPromptMessage[] = [];
  const system = typeof params.systemPrompt === 'string' ? params.systemPrompt.trim() : '';
  if (system) messages.push({ role: 'user', text: `System instructions from the server:\n${system}` });
  raw.forEach((message, index) => {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      throw new SamplingPromptError(`Message ${index + 1} of the sampling request has no user or assistant role.`);
    }
    // 2025-11-25 allows one block or an array of blocks.
    const blocks = Array.isArray(message.content) ? message.content : [message.content ?? null];
    const text = blocks.map(blockText).filter(Boolean).join('\n');
    messages.push({ role: message.role, text });
  });
  const maxTokens =
    typeof params.maxTokens === 'number' && Number.isSafeInteger(params.maxTokens) && params.maxTokens > 0
      ? params.maxTokens
      : undefined;
  const prefs = params.modelPreferences;
  const hints =
    isObject(prefs) && Array.isArray(prefs.hints)
      ? prefs.hints.flatMap((h) => (isObject(h) && typeof h.name === 'string' && h.name ? [h.name] : []))
      : [];
  return { messages, ...(maxTokens ? { maxTokens } : {}), modelHints: hints };
}

export interface ModelLike {
  id: string;
  name: string;
  vendor: string;
  family?: string;
}

/**
 * The model to draft with: the one asked for by id, else the first whose id, family or name
 * contains a server hint (the spec's hints are substrings, first is preferred), else the first.
 */
export function chooseModel<T extends ModelLike>(
  models: readonly T[],
  modelId?: string,
  hints: string[] = [],
): T | undefined {
  if (modelId !== undefined) return models.find((m) => m.id === modelId);
  for (const hint of hints) {
    const h = hint.toLowerCase();
    const match = models.find((m) => [m.id, m.family ?? '', m.name].some((s) => s.toLowerCase().includes(h)));
    if (match) return match;
  }
  return models[0];
}

/** The CreateMessageResult draft the person reviews before sending it to the server. */
export function samplingDraft(text: string, modelId: string): JsonObject {
  return { role: 'assistant', content: { type: 'text', text }, model: modelId, stopReason: 'endTurn' };
}
