/** The conversion of a server's sampling request into a VS Code language model chat, and the draft it yields. */
import * as assert from 'node:assert/strict';
import {
  chooseModel,
  samplingDraft,
  SamplingPromptError,
  toChatPrompt,
} from '../../../src/extension/answers/samplingPrompt';

describe('sampling prompt conversion (sampling/createMessage → vscode.lm chat)', () => {
  it('puts the system prompt first as a user message that says what it is, then the messages in order', () => {
    const prompt = toChatPrompt({
      systemPrompt: 'You are terse.',
      maxTokens: 100,
      messages: [
        { role: 'user', content: { type: 'text', text: 'What is 2+2?' } },
        { role: 'assistant', content: { type: 'text', text: '4' } },
        { role: 'user', content: { type: 'text', text: 'And 3+3?' } },
      ],
    });
    assert.deepEqual(prompt.messages, [
      { role: 'user', text: 'System instructions from the server:\nYou are terse.' },
      { role: 'user', text: 'What is 2+2?' },
      { role: 'assistant', text: '4' },
      { role: 'user', text: 'And 3+3?' },
    ]);
    assert.equal(prompt.maxTokens, 100);
    assert.deepEqual(prompt.modelHints, []);
  });

  it('joins content arrays and describes what a text-only request cannot carry instead of dropping it', () => {
    const prompt = toChatPrompt({
      maxTokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', data: 'AAAA', mimeType: 'image/png' },
            { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'u1', name: 'get-sum', input: { a: 1, b: 2 } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', toolUseId: 'u1', content: [{ type: 'text', text: '3' }], isError: false }],
        },
      ],
    });
    assert.equal(prompt.messages.length, 3);
    assert.match(prompt.messages[0].text, /^Look:\n\[image \(image\/png\) omitted.*\]\n\[audio \(audio\/wav\) omitted/);
    assert.equal(prompt.messages[1].text, '[tool use: get-sum {"a":1,"b":2}]');
    assert.equal(prompt.messages[2].text, '[tool result]\n3');
  });

  it('reads model hints in order and leaves out a maxTokens that is not a positive integer', () => {
    const prompt = toChatPrompt({
      maxTokens: -1,
      modelPreferences: { hints: [{ name: 'claude' }, {}, { name: 'gpt' }], intelligencePriority: 1 },
      messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
    });
    assert.deepEqual(prompt.modelHints, ['claude', 'gpt']);
    assert.equal('maxTokens' in prompt, false);
  });

  it('refuses requests without messages or with a message of another role, saying which', () => {
    assert.throws(() => toChatPrompt({ messages: [] }), SamplingPromptError);
    assert.throws(() => toChatPrompt({}), /no messages/);
    assert.throws(
      () => toChatPrompt({ messages: [{ role: 'user', content: { type: 'text', text: 'a' } }, { role: 'system' }] }),
      /Message 2 of the sampling request has no user or assistant role/,
    );
  });

  it('chooses the model asked for, else the first matching a hint, else the first', () => {
    const models = [
      { id: 'm-gpt', name: 'GPT', vendor: 'v', family: 'gpt-4o' },
      { id: 'm-claude', name: 'Claude Sonnet', vendor: 'v', family: 'claude-sonnet' },
    ];
    assert.equal(chooseModel(models, 'm-claude')?.id, 'm-claude');
    assert.equal(chooseModel(models, 'gone'), undefined);
    assert.equal(chooseModel(models, undefined, ['sonnet', 'gpt'])?.id, 'm-claude');
    assert.equal(chooseModel(models, undefined, ['llama'])?.id, 'm-gpt');
    assert.equal(chooseModel([], undefined, []), undefined);
  });

  it('drafts a CreateMessageResult with the model id and endTurn', () => {
    assert.deepEqual(samplingDraft('Hello', 'm-1'), {
      role: 'assistant',
      content: { type: 'text', text: 'Hello' },
      model: 'm-1',
      stopReason: 'endTurn',
    });
  });
});
