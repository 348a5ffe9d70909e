/**
 * Drafts replies to sampling requests with the language models VS Code offers (`vscode.lm`).
 * Nothing here talks to the MCP server: the draft goes back to the webview, and the person sends
 * it (or edits or declines it) with `serverRequest/answer`.
 *
 * The `vscode.lm` API (VS Code 1.90+) is newer than the @types/vscode this project compiles
 * against, so the few members used are declared here and looked up at run time; an editor
 * without them simply has no models.
 */
import * as vscode from 'vscode';
import { ConnectionError } from '../../core/errors';
import type { JsonObject, LanguageModelView } from '../../shared/protocol';
import { chooseModel, samplingDraft, SamplingPromptError, toChatPrompt } from './samplingPrompt';

interface LmChatMessage {
  readonly role: unknown;
}
interface LmChatModel {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  sendRequest(
    messages: LmChatMessage[],
    options?: { justification?: string; modelOptions?: Record<string, unknown> },
    token?: vscode.CancellationToken,
  ): Thenable<{ text: AsyncIterable<string> }>;
}
interface LmApi {
  selectChatModels(selector?: Record<string, string>): Thenable<LmChatModel[]>;
}
interface LmMessageFactory {
  User(content: string): LmChatMessage;
  Assistant(content: string): LmChatMessage;
}

function lmApi(): { lm: LmApi; messages: LmMessageFactory } | undefined {
  const api = vscode as unknown as { lm?: LmApi; LanguageModelChatMessage?: LmMessageFactory };
  return api.lm && api.LanguageModelChatMessage ? { lm: api.lm, messages: api.LanguageModelChatMessage } : undefined;
}

export function toModelView(model: LmChatModel): LanguageModelView {
  return {
    id: model.id,
    name: model.name,
    vendor: model.vendor,
    ...(model.family ? { family: model.family } : {}),
  };
}

/** Every chat model VS Code offers now (empty when none is installed or the editor has no `vscode.lm`). */
export async function listLanguageModels(): Promise<LanguageModelView[]> {
  const api = lmApi();
  if (!api) return [];
  return (await api.lm.selectChatModels()).map(toModelView);
}

/** What a LanguageModelError (or any failure of the request) means for the person. */
function describeModelError(e: unknown, model: LmChatModel): ConnectionError {
  const error = e as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof error.message === 'string' ? error.message : String(e);
  const code = typeof error.code === 'string' ? error.code : '';
  if (/NoPermissions/i.test(code) || /NoPermissions/i.test(String(error.name))) {
    return new ConnectionError(
      'refused',
      `MCP Lens may not use ${model.name}: access to the model was not allowed.`,
      'Allow MCP Lens to use the model when VS Code asks (or in its language model access settings), or write the reply yourself.',
    );
  }
  if (/Blocked/i.test(code)) {
    return new ConnectionError(
      'refused',
      `${model.name} refused the request: ${message}`,
      'Wait a moment and draft again, or write the reply yourself.',
    );
  }
  if (/NotFound/i.test(code)) {
    return new ConnectionError('refused', `${model.name} is no longer available.`, 'Pick another model.');
  }
  return new ConnectionError(
    'unknown',
    `${model.name} could not draft a reply: ${message}`,
    'Try another model, or write the reply yourself.',
  );
}

/**
 * Asks a model for a reply to a sampling request's params and returns the CreateMessageResult
 * draft (role assistant, the text, the model's id, stopReason endTurn).
 */
export async function draftSamplingReply(
  params: JsonObject,
  modelId: string | undefined,
  serverName: string,
  signal: AbortSignal,
): Promise<JsonObject> {
  let prompt;
  try {
    prompt = toChatPrompt(params);
  } catch (e) {
    if (e instanceof SamplingPromptError) throw new ConnectionError('protocol', e.message, 'Decline the request.');
    throw e;
  }
  const api = lmApi();
  const models = api ? await api.lm.selectChatModels() : [];
  if (!api || models.length === 0) {
    throw new ConnectionError(
      'invalid-config',
      'No language model is available in VS Code to draft a reply.',
      'Install an extension that provides chat models (such as GitHub Copilot Chat), or write the reply yourself.',
    );
  }
  const model = chooseModel(models, modelId, prompt.modelHints);
  if (!model) {
    throw new ConnectionError(
      'invalid-config',
      `The language model "${modelId}" is not available any more.`,
      'Pick one of the models listed.',
    );
  }
  const source = new vscode.CancellationTokenSource();
  const abort = () => source.cancel();
  signal.addEventListener('abort', abort, { once: true });
  // Aborted while the models were being looked up: the listener came too late to hear it.
  if (signal.aborted) source.cancel();
  try {
    const messages = prompt.messages.map((m) =>
      m.role === 'user' ? api.messages.User(m.text) : api.messages.Assistant(m.text),
    );
    const response = await model.sendRequest(
      messages,
      {
        justification: `${serverName} asked MCP Lens for a language model reply (MCP sampling); you review it before it is sent.`,
        ...(prompt.maxTokens ? { modelOptions: { maxTokens: prompt.maxTokens } } : {}),
      },
      source.token,
    );
    let text = '';
    for await (const chunk of response.text) text += chunk;
    return samplingDraft(text, model.id);
  } catch (e) {
    if (signal.aborted) throw new ConnectionError('cancelled', 'Drafting the reply was cancelled.');
    throw describeModelError(e, model);
  } finally {
    signal.removeEventListener('abort', abort);
    source.dispose();
  }
}
