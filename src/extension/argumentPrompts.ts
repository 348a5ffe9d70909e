/**
 * Quick inputs that ask for a tool's arguments (one step per schema property, typed), a
 * prompt's arguments, and a resource template's variables. Back moves between fields.
 */
import * as vscode from 'vscode';
import type { Prompt, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { runSteps, showCompletingStep, showInputStep, showPickStep } from './quickInput';
import { type ArgumentField, argumentFields, defaultText, parseArgumentText } from './schemaArgs';

function fieldPrompt(field: ArgumentField): string {
  const parts = [
    `${field.name} (${field.kind === 'json' ? (field.jsonType ?? 'JSON') : field.kind}${field.required ? ', required' : ', optional'})`,
  ];
  // Server text goes into a plain-text prompt; clip it so one long description cannot flood the box.
  if (field.description) {
    parts.push(field.description.length > 300 ? `${field.description.slice(0, 300)}…` : field.description);
  }
  if (!field.required) parts.push('Leave empty to omit.');
  return parts.join(' — ');
}

/** Asks for each argument of a tool; undefined when the user cancels. */
export async function promptToolArguments(tool: Tool): Promise<Record<string, unknown> | undefined> {
  const fields = argumentFields(tool.inputSchema);
  const values: Record<string, unknown> = {};
  const title = `Call Tool: ${tool.name}`;
  const steps = fields.map((field) => async (index: number) => {
    const position = { title, step: index + 1, totalSteps: fields.length, canGoBack: index > 0 };
    delete values[field.name];
    if (field.kind === 'boolean' || field.kind === 'enum') {
      const options = field.kind === 'boolean' ? [true, false] : (field.enumValues ?? []);
      const items: Array<vscode.QuickPickItem & { value?: unknown; skip?: boolean }> = options.map((value) => ({
        label: typeof value === 'string' ? value : JSON.stringify(value),
        value,
        description: JSON.stringify(value) === JSON.stringify(field.default) ? 'default' : undefined,
      }));
      if (!field.required) {
        items.push({ label: '$(circle-slash) Omit', skip: true, description: 'do not send this argument' });
      }
      const active = items.find((i) => i.description === 'default');
      const picked = await showPickStep({ ...position, items, activeItem: active, placeholder: fieldPrompt(field) });
      if (!picked.skip) values[field.name] = picked.value;
      return;
    }
    const text = await showInputStep({
      ...position,
      value: defaultText(field),
      prompt: fieldPrompt(field),
      placeholder: field.kind === 'json' ? (field.jsonType === 'array' ? '[ … ]' : '{ … }') : undefined,
      validate: (v) => {
        const parsed = parseArgumentText(field, v);
        return parsed.ok ? undefined : parsed.error;
      },
    });
    const parsed = parseArgumentText(field, text);
    if (parsed.ok && 'value' in parsed) values[field.name] = parsed.value;
  });
  return (await runSteps(steps)) ? values : undefined;
}

/**
 * The server's suggestions for one argument (`completion/complete`), given what is typed and the
 * other arguments already filled in. Passed only when the server has the `completions` capability.
 */
export type ArgumentCompleter = (
  argument: { name: string; value: string },
  context: Record<string, string>,
) => Promise<string[]>;

/** Asks for each argument of a prompt (all strings, per the spec's PromptArgument), with the server's suggestions when `complete` is given. */
export async function promptPromptArguments(
  prompt: Prompt,
  complete?: ArgumentCompleter,
): Promise<Record<string, string> | undefined> {
  const args = prompt.arguments ?? [];
  const values: Record<string, string> = {};
  const title = `Get Prompt: ${prompt.name}`;
  const steps = args.map((arg) => async (index: number) => {
    const position = { title, step: index + 1, totalSteps: args.length, canGoBack: index > 0 };
    const description = `${arg.name}${arg.required ? ' (required)' : ' (optional, leave empty to omit)'}${arg.description ? ` — ${arg.description.slice(0, 300)}` : ''}`;
    const validate = (v: string) => (arg.required && !v ? `${arg.name} is required.` : undefined);
    const { [arg.name]: _current, ...others } = values;
    const text = complete
      ? await showCompletingStep({
          ...position,
          value: values[arg.name] ?? '',
          prompt: description,
          validate,
          complete: (value) => complete({ name: arg.name, value }, others),
        })
      : await showInputStep({ ...position, value: values[arg.name] ?? '', prompt: description, validate });
    if (text) values[arg.name] = text;
    else delete values[arg.name];
  });
  return (await runSteps(steps)) ? values : undefined;
}

/** Asks for each variable of a resource template (RFC 6570) and returns the expanded URI; suggestions as for prompts. */
export async function promptTemplateUri(
  template: ResourceTemplate,
  complete?: ArgumentCompleter,
): Promise<string | undefined> {
  const uriTemplate = new UriTemplate(template.uriTemplate);
  const names = uriTemplate.variableNames;
  const values: Record<string, string> = {};
  const title = `Read Resource: ${template.name}`;
  const steps = names.map((name) => async (index: number) => {
    const position = { title, step: index + 1, totalSteps: names.length, canGoBack: index > 0 };
    const prompt = `${name} in ${template.uriTemplate}`;
    const validate = (v: string) => (v ? undefined : `Enter a value for ${name}.`);
    const { [name]: _current, ...others } = values;
    values[name] = complete
      ? await showCompletingStep({
          ...position,
          value: values[name] ?? '',
          prompt,
          validate,
          complete: (value) => complete({ name, value }, others),
        })
      : await showInputStep({ ...position, value: values[name] ?? '', prompt, validate });
  });
  if (!(await runSteps(steps))) return undefined;
  return uriTemplate.expand(values);
}
