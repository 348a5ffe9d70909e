/**
 * The playground's chat model: a `vscode.lm` model adapted to ./session's PlaygroundModel (messages
 * with tool calls and tool results, tools as LanguageModelChatTool, the response stream's text and
 * tool-call parts). As in ../answers/languageModels.ts, the `vscode.lm` members are newer than the
 * @types/vscode this project compiles against, so the few used are declared here and looked up at run time.
 */
import * as vscode from 'vscode';
import { ConnectionError } from '../../core/errors';
import type { JsonObject } from '../../shared/protocol';
import type { PlaygroundMessage, PlaygroundModel, PlaygroundModelTool, PlaygroundToolCallRequest } from './session';

type LmPart = object;
interface LmChatModel {
  readonly id: string;
  readonly name: string;
  sendRequest(
    messages: unknown[],
    options: { justification?: string; tools?: PlaygroundModelTool[] },
    token: vscode.CancellationToken,
  ): Thenable<{ stream: AsyncIterable<unknown> }>;
}
interface LmApi {
  lm: { selectChatModels(selector?: Record<string, string>): Thenable<LmChatModel[]> };
  LanguageModelChatMessage: { User(content: LmPart[]): unknown; Assistant(content: LmPart[]): unknown };
  LanguageModelTextPart: new (value: string) => LmPart;
  LanguageModelToolCallPart: new (callId: string, name: string, input: object) => LmPart;
  LanguageModelToolResultPart: new (callId: string, content: LmPart[]) => LmPart;
}

function lmApi(): LmApi | undefined {
  const api = vscode as unknown as Partial<LmApi>;
  return api.lm &&
    api.LanguageModelChatMessage &&
    api.LanguageModelTextPart &&
    api.LanguageModelToolCallPart &&
    api.LanguageModelToolResultPart
    ? (api as LmApi)
    : undefined;
}

/** The model with this id, or the first one VS Code offers; a ConnectionError saying what to do when there is none. */
export async function resolvePlaygroundModel(
  modelId: string | undefined,
  serverName: string,
): Promise<PlaygroundModel> {
  const api = lmApi();
  const models = api ? await api.lm.selectChatModels() : [];
  if (!api || models.length === 0) {
    throw new ConnectionError(
      'invalid-config',
      'No language model is available in VS Code for the playground.',
      'Install an extension that provides chat models (such as GitHub Copilot Chat), then pick its model.',
    );
  }
  const model = modelId ? models.find((m) => m.id === modelId) : models[0];
  if (!model) {
    throw new ConnectionError(
      'invalid-config',
      `The language model "${modelId}" is not available any more.`,
      'Pick one of the models listed.',
    );
  }
  return new VsCodePlaygroundModel(api, model, serverName);
}

class VsCodePlaygroundModel implements PlaygroundModel {
  constructor(
    private readonly api: LmApi,
    private readonly model: LmChatModel,
    private readonly serverName: string,
  ) {}

  get id(): string {
    return this.model.id;
  }
  get name(): string {
    return this.model.name;
  }

  async respond(
    messages: readonly PlaygroundMessage[],
    tools: readonly PlaygroundModelTool[],
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<{ toolCalls: PlaygroundToolCallRequest[] }> {
    const api = this.api;
    const source = new vscode.CancellationTokenSource();
    const abort = () => source.cancel();
    signal.addEventListener('abort', abort, { once: true });
    if (signal.aborted) source.cancel();
    try {
      const chat = messages.map((m) => {
        if (m.role === 'user') return api.LanguageModelChatMessage.User([new api.LanguageModelTextPart(m.text)]);
        if (m.role === 'tool-results') {
          return api.LanguageModelChatMessage.User(
            m.results.map(
              (r) => new api.LanguageModelToolResultPart(r.callId, [new api.LanguageModelTextPart(r.text)]),
            ),
          );
        }
        return api.LanguageModelChatMessage.Assistant([
          ...(m.text ? [new api.LanguageModelTextPart(m.text)] : []),
          ...m.toolCalls.map((c) => new api.LanguageModelToolCallPart(c.callId, c.name, c.input)),
        ]);
      });
      const response = await this.model.sendRequest(
        chat,
        {
          justification: `The MCP Lens playground sends your messages and ${this.serverName}'s tools to the model; you approve each tool call.`,
          ...(tools.length ? { tools: [...tools] } : {}),
        },
        source.token,
      );
      const toolCalls: PlaygroundToolCallRequest[] = [];
      for await (const part of response.stream) {
        if (part instanceof api.LanguageModelTextPart) onText((part as { value: string }).value);
        else if (part instanceof api.LanguageModelToolCallPart) {
          const call = part as { callId: string; name: string; input: unknown };
          toolCalls.push({ callId: call.callId, name: call.name, input: (call.input ?? {}) as JsonObject });
        }
      }
      return { toolCalls };
    } catch (e) {
      if (signal.aborted) throw new ConnectionError('cancelled', 'Stopped.');
      throw describeModelError(e, this.model.name);
    } finally {
      signal.removeEventListener('abort', abort);
      source.dispose();
    }
  }
}

/** What a LanguageModelError (or any failure of the request) means for the person. */
function describeModelError(e: unknown, modelName: string): ConnectionError {
  const error = e as { name?: unknown; code?: unknown; message?: unknown };
  const message = typeof error.message === 'string' ? error.message : String(e);
  const code = `${typeof error.code === 'string' ? error.code : ''} ${String(error.name)}`;
  if (/NoPermissions/i.test(code)) {
    return new ConnectionError(
      'refused',
      `MCP Lens may not use ${modelName}: access to the model was not allowed.`,
      'Allow MCP Lens to use the model when VS Code asks (or in its language model access settings).',
    );
  }
  if (/Blocked/i.test(code)) {
    return new ConnectionError(
      'refused',
      `${modelName} refused the request: ${message}`,
      'Wait a moment and send again.',
    );
  }
  if (/NotFound/i.test(code)) {
    return new ConnectionError('refused', `${modelName} is no longer available.`, 'Pick another model.');
  }
  return new ConnectionError(
    'unknown',
    `${modelName} failed to answer: ${message}`,
    'Send again, or pick another model.',
  );
}
