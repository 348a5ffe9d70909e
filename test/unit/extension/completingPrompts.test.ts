/**
 * Prompt arguments with the server's completions (`completion/complete`) in the quick input: the
 * suggestions for what is typed are offered as items, free text stays possible, the other
 * arguments go along as context, and a failing completion just offers none.
 */
import { ui } from './fakeVscode';
import * as assert from 'node:assert/strict';
import type { Prompt } from '@modelcontextprotocol/sdk/types.js';
import { promptPromptArguments, promptTemplateUri } from '../../../src/extension/argumentPrompts';

const prompt: Prompt = {
  name: 'greet',
  arguments: [
    { name: 'language', required: true, description: 'Which language' },
    { name: 'tone', required: false },
  ],
};

describe('argument prompts with completions', () => {
  it('offers the suggestions for what is typed and sends the other arguments as context', async () => {
    const asked: Array<[{ name: string; value: string }, Record<string, string>]> = [];
    ui.reset([
      (shown) => {
        assert.equal(shown.kind, 'pick');
        assert.match(shown.placeholder ?? '', /^language \(required\) — Which language/);
        shown.typeThenPick('py', /^python$/);
      },
      (shown) => shown.typeThenPick('warm', /^warmly$/),
    ]);
    const values = await promptPromptArguments(prompt, async (argument, context) => {
      asked.push([argument, context]);
      const known = argument.name === 'tone' ? ['warmly', 'coldly'] : ['python', 'pytorch', 'perl'];
      return known.filter((v) => v.startsWith(argument.value));
    });
    assert.deepEqual(ui.errors, []);
    assert.deepEqual(values, { language: 'python', tone: 'warmly' });
    assert.deepEqual(asked.at(-1), [{ name: 'tone', value: 'warm' }, { language: 'python' }]);
    assert.ok(
      asked.some(([a, context]) => a.name === 'language' && a.value === 'py' && Object.keys(context).length === 0),
      JSON.stringify(asked),
    );
  });

  it('keeps free text when the server cannot complete', async () => {
    ui.reset([(shown) => shown.typeThenPick('rust', /^rust$/), (shown) => shown.typeThenPick('', /\(empty\)/)]);
    const values = await promptPromptArguments(prompt, async () => {
      throw new Error('no completions capability');
    });
    assert.deepEqual(ui.errors, []);
    assert.deepEqual(values, { language: 'rust' }, 'an empty optional argument is omitted');
  });

  it('completes resource template variables the same way', async () => {
    ui.reset([(shown) => shown.typeThenPick('4', /^42$/)]);
    const uri = await promptTemplateUri({ name: 'item', uriTemplate: 'test://items/{id}' }, async (argument) =>
      argument.value ? ['42', '43'].filter((v) => v.startsWith(argument.value)) : [],
    );
    assert.deepEqual(ui.errors, []);
    assert.equal(uri, 'test://items/42');
  });

  it('still asks with a plain input box when no completer is given', async () => {
    ui.reset([(shown) => (assert.equal(shown.kind, 'input'), shown.type('go')), (shown) => shown.type('')]);
    assert.deepEqual(await promptPromptArguments(prompt), { language: 'go' });
    assert.deepEqual(ui.errors, []);
  });
});
