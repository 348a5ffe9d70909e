import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AnswerSetupError,
  type AnswerSources,
  type Ask,
  CLI_MODEL,
  CliAnswers,
  checkFormContent,
  defaultsOf,
  formSchemaOf,
  loadAnswerSources,
  parseElicitFile,
  parseFieldInput,
  parseSampleReply,
} from '../../../src/cli/answers';
import { ServerRequestRefused, type ServerRequest } from '../../../src/core/serverRequests';
import type { JsonObject } from '../../../src/shared/protocol';

/** The SEP-1034 form of the conformance suite: every field has a default. */
const DEFAULTS_FORM: JsonObject = {
  message: 'Test client default value handling - please accept with defaults',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', default: 'John Doe' },
      age: { type: 'integer', default: 30 },
      score: { type: 'number', default: 95.5 },
      status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
      verified: { type: 'boolean', default: true },
    },
    required: [],
  },
};

/** A form with a required field that has no default, like server-everything's. */
const SIGN_UP_FORM: JsonObject = {
  message: 'Please provide inputs:\x1b[31m red',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 2 },
      email: { type: 'string', format: 'email' },
      integer: { type: 'integer', minimum: 1, maximum: 100, default: 42 },
      fish: { type: 'array', items: { anyOf: [{ const: 'fish-1' }, { const: 'fish-2' }] }, default: ['fish-1'] },
      hero: { type: 'string', oneOf: [{ const: 'hero-1' }, { const: 'hero-2' }] },
      agree: { type: 'boolean' },
    },
    required: ['name'],
  },
};

let nextId = 0;
function request(kind: ServerRequest['kind'], params: JsonObject): ServerRequest {
  const method =
    kind === 'sampling' ? 'sampling/createMessage' : kind === 'roots' ? 'roots/list' : 'elicitation/create';
  return {
    id: String(++nextId),
    connectionId: 'c1',
    kind,
    method,
    wire: 'request',
    cause: { method: 'tools/call', name: 'some-tool' },
    params,
    receivedAt: Date.now(),
  };
}

function handler(sources: Partial<AnswerSources>, ask?: Ask) {
  const log: string[] = [];
  const opened: string[] = [];
  const answers = new CliAnswers({
    sources: { roots: [], openElicitationUrls: false, ...sources },
    ask,
    log: (line) => log.push(line),
    openUrl: async (url) => void opened.push(url),
  });
  return { answers, log, opened };
}

/** A person at the terminal who types these lines in order. */
function typing(...lines: string[]): Ask & { questions: string[] } {
  const questions: string[] = [];
  const ask: Ask = async (question) => {
    questions.push(question);
    if (!lines.length) throw new Error(`unexpected question: ${question}`);
    return lines.shift()!;
  };
  return Object.assign(ask, { questions });
}

const signal = new AbortController().signal;

describe('cli: answering the server (answers.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-answers-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('defaults and checks (SEP-1034)', () => {
    it('fills every field with its default and lists required fields without one', () => {
      assert.deepEqual(defaultsOf(formSchemaOf(DEFAULTS_FORM)), {
        content: { name: 'John Doe', age: 30, score: 95.5, status: 'active', verified: true },
        missing: [],
      });
      assert.deepEqual(defaultsOf(formSchemaOf(SIGN_UP_FORM)).missing, ['name']);
    });

    it('checks content against the form: required, unknown fields, types, enums, formats, ranges', () => {
      const schema = formSchemaOf(SIGN_UP_FORM);
      assert.deepEqual(checkFormContent(schema, { name: 'Ada', email: 'ada@example.com', hero: 'hero-2' }), []);
      assert.deepEqual(
        checkFormContent(schema, {
          email: 'nope',
          integer: 101,
          fish: ['fish-9'],
          hero: 'villain',
          agree: 'yes',
          extra: 1,
        }),
        [
          '"name" is required.',
          '"email" must be an email address.',
          '"integer" must be at most 100.',
          '"fish" may only hold fish-1, fish-2 (not fish-9).',
          '"hero" must be one of hero-1, hero-2.',
          '"agree" must be true or false, not a string.',
          '"extra" is not a field of this form.',
        ],
      );
      assert.deepEqual(checkFormContent(schema, { name: 'A' }), ['"name" must have at least 2 characters.']);
      assert.deepEqual(checkFormContent(schema, { name: 'Ada', integer: 4.5 }), ['"integer" must be an integer.']);
    });

    it('parses what a person types for each kind of field', () => {
      assert.equal(parseFieldInput({ type: 'integer' }, ' 7 '), 7);
      assert.deepEqual(parseFieldInput({ type: 'integer' }, 'seven'), { problem: 'Type a number.' });
      assert.equal(parseFieldInput({ type: 'boolean' }, 'Y'), true);
      assert.equal(parseFieldInput({ type: 'boolean' }, 'no'), false);
      assert.deepEqual(parseFieldInput({ type: 'array', items: { enum: ['a', 'b'] } }, 'a, b'), ['a', 'b']);
      assert.deepEqual(parseFieldInput({ type: 'string', enum: ['x'] }, 'y'), { problem: 'It must be one of x.' });
    });
  });

  describe('reading the flags', () => {
    it('resolves --roots to file:// URIs, once each, and refuses a missing or non-directory path', () => {
      fs.mkdirSync(path.join(dir, 'project'));
      fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
      const sources = loadAnswerSources(
        { roots: ['project', path.join(dir, 'project'), '.'], openElicitationUrls: false },
        dir,
      );
      assert.deepEqual(sources.roots, [
        { uri: pathToFileURL(path.join(dir, 'project')).href, name: 'project' },
        { uri: pathToFileURL(dir).href, name: path.basename(dir) },
      ]);
      assert.throws(
        () => loadAnswerSources({ roots: ['missing'], openElicitationUrls: false }, dir),
        (e: Error) => e instanceof AnswerSetupError && /--roots: "missing" does not exist/.test(e.message),
      );
      assert.throws(
        () => loadAnswerSources({ roots: ['file.txt'], openElicitationUrls: false }, dir),
        /is not a directory/,
      );
    });

    it('reads an --elicit file: content, accept with content, decline, cancel; refuses bad JSON and a missing file', () => {
      assert.deepEqual(parseElicitFile('{"name": "Ada"}'), { action: 'accept', content: { name: 'Ada' } });
      assert.deepEqual(parseElicitFile('{"action": "accept", "content": {"a": 1}}'), {
        action: 'accept',
        content: { a: 1 },
      });
      assert.deepEqual(parseElicitFile('{"action": "decline"}'), { action: 'decline' });
      assert.deepEqual(parseElicitFile('{"action": "cancel"}'), { action: 'cancel' });
      assert.throws(() => parseElicitFile('{"action": "maybe"}'), /"action" must be accept, decline or cancel/);
      assert.throws(() => parseElicitFile('[1]'), /must hold a JSON object/);
      assert.throws(() => parseElicitFile('{'), /not valid JSON/);
      assert.throws(
        () => loadAnswerSources({ elicit: { file: 'nope.json' }, roots: [], openElicitationUrls: false }, dir),
        /--elicit: cannot read "nope.json" \(no such file\)/,
      );
    });

    it('reads a --sample-reply file as text, or as a CreateMessageResult when it is one', () => {
      assert.deepEqual(parseSampleReply('Paris.\n'), {
        role: 'assistant',
        content: { type: 'text', text: 'Paris.' },
        model: CLI_MODEL,
        stopReason: 'endTurn',
      });
      assert.deepEqual(parseSampleReply('{"content": {"type": "text", "text": "hi"}, "model": "m1"}'), {
        role: 'assistant',
        content: { type: 'text', text: 'hi' },
        model: 'm1',
        stopReason: 'endTurn',
      });
      // JSON that is not a CreateMessageResult is text like any other.
      assert.equal((parseSampleReply('{"a": 1}').content as JsonObject).text, '{"a": 1}');
      assert.throws(() => parseSampleReply('{"content": "hi"}'), /must be a content block/);
    });
  });

  describe('the handler', () => {
    it('declares elicitation and sampling always, roots only when some are offered', () => {
      assert.deepEqual(handler({}).answers.capabilities, {
        elicitation: { form: true, url: true },
        sampling: { tools: false, context: false },
      });
      const roots = [{ uri: 'file:///tmp', name: 'tmp' }];
      const { answers } = handler({ roots });
      assert.deepEqual(answers.capabilities.roots, { listChanged: false });
      assert.deepEqual(answers.rootsFor(), roots);
    });

    it('--elicit accept-defaults accepts with the defaults', async () => {
      const { answers, log } = handler({ elicit: 'accept-defaults' });
      const reply = await answers.answer(request('elicitation-form', DEFAULTS_FORM), signal);
      assert.deepEqual(reply, {
        action: 'accept',
        content: { name: 'John Doe', age: 30, score: 95.5, status: 'active', verified: true },
      });
      assert.equal(log.length, 2);
      assert.match(
        log[0],
        /^the server asks for a form \(elicitation\) during tools\/call some-tool "Test client default/,
      );
      assert.equal(log[1], 'answered: accepted with name, age, score, status, verified');
      assert.equal(answers.unanswered.length, 0);
    });

    it('--elicit accept-defaults refuses a form whose required field has no default, naming the flag to pass', async () => {
      const { answers, log } = handler({ elicit: 'accept-defaults' });
      await assert.rejects(
        answers.answer(request('elicitation-form', SIGN_UP_FORM), signal),
        (e: Error) => e instanceof ServerRequestRefused && /required field "name" has no default/.test(e.message),
      );
      assert.equal(answers.unanswered.length, 1);
      assert.match(answers.unanswered[0].hint, /--elicit <file\.json>/);
      assert.match(log[1], /^refused: The form cannot be accepted/);
      // The server's text is data: its escape sequence is shown, not sent to the terminal.
      assert.match(log[0], /inputs:\\x1b\[31m red/);
      assert.ok(!log.join('').includes('\x1b'));
    });

    it('--elicit decline / cancel answer every form that way', async () => {
      for (const action of ['decline', 'cancel'] as const) {
        const { answers, log } = handler({ elicit: action });
        assert.deepEqual(await answers.answer(request('elicitation-form', SIGN_UP_FORM), signal), { action });
        assert.equal(log[1], `answered: ${action === 'decline' ? 'declined' : 'cancelled'}`);
      }
    });

    it('--elicit <file> accepts with the file content over the defaults, checked against the form, and logs no values', async () => {
      const file = { file: 'a.json', answer: parseElicitFile('{"name": "Ada Lovelace", "agree": true}') };
      const { answers, log } = handler({ elicit: file });
      const reply = await answers.answer(request('elicitation-form', SIGN_UP_FORM), signal);
      assert.deepEqual(reply, {
        action: 'accept',
        content: { integer: 42, fish: ['fish-1'], name: 'Ada Lovelace', agree: true },
      });
      assert.equal(log[1], 'answered: accepted with integer, fish, name, agree');
      assert.ok(!log.join('\n').includes('Ada'), 'values never reach the log');

      const wrong = handler({ elicit: { file: 'b.json', answer: parseElicitFile('{"email": "x"}') } });
      await assert.rejects(
        wrong.answers.answer(request('elicitation-form', SIGN_UP_FORM), signal),
        /b\.json does not fit the form: "name" is required\. "email" must be an email address\./,
      );
      assert.equal(wrong.answers.unanswered.length, 1);

      const declined = handler({ elicit: { file: 'c.json', answer: parseElicitFile('{"action": "decline"}') } });
      assert.deepEqual(await declined.answers.answer(request('elicitation-form', SIGN_UP_FORM), signal), {
        action: 'decline',
      });
    });

    it('without a flag and without a terminal, a form or a sampling request is refused and recorded', async () => {
      const { answers } = handler({});
      await assert.rejects(answers.answer(request('elicitation-form', DEFAULTS_FORM), signal), ServerRequestRefused);
      await assert.rejects(
        answers.answer(request('sampling', { messages: [], maxTokens: 10 }), signal),
        ServerRequestRefused,
      );
      assert.deepEqual(
        answers.unanswered.map((u) => [u.kind, u.hint]),
        [
          [
            'elicitation-form',
            'Pass --elicit accept-defaults, --elicit <file.json>, --elicit decline or --elicit cancel.',
          ],
          ['sampling', 'Pass --sample-reply <file> (the reply text, or a CreateMessageResult as JSON).'],
        ],
      );
    });

    it('in a terminal, asks the form field by field, with defaults on an empty line and a re-ask on a bad value', async () => {
      // yes; name: empty (required → asked again), then "Ada"; email: bad, then good; integer: default;
      // fish: default; hero: hero-2; agree: y
      const ask = typing('', '', 'Ada', 'bad', 'ada@example.com', '', '', 'hero-2', 'y');
      const { answers, log } = handler({}, ask);
      const reply = await answers.answer(request('elicitation-form', SIGN_UP_FORM), signal);
      assert.deepEqual(reply, {
        action: 'accept',
        content: { name: 'Ada', email: 'ada@example.com', integer: 42, fish: ['fish-1'], hero: 'hero-2', agree: true },
      });
      assert.match(ask.questions[0], /The server asks: Please provide inputs:\\x1b\[31m red\nFill in the form\?/);
      assert.match(ask.questions[5], /integer \(integer\) \[42\]: $/);
      assert.match(ask.questions[7], /hero \(hero-1\|hero-2\): $/);
      assert.ok(log.includes('"name" is required.'));
      assert.ok(log.includes('It must be an email address.'));
    });

    it('in a terminal, "n" declines and "c" cancels the form', async () => {
      assert.deepEqual(
        await handler({}, typing('n')).answers.answer(request('elicitation-form', SIGN_UP_FORM), signal),
        {
          action: 'decline',
        },
      );
      assert.deepEqual(
        await handler({}, typing('c')).answers.answer(request('elicitation-form', SIGN_UP_FORM), signal),
        {
          action: 'cancel',
        },
      );
    });

    describe('URL elicitation: never opened without consent', () => {
      const page = { mode: 'url', url: 'https://example.com/consent?x=1', elicitationId: 'e1', message: 'Authorize' };

      it('without a terminal and without --open-elicitation-urls: declined, with how to consent', async () => {
        const { answers, log, opened } = handler({ elicit: 'accept-defaults' });
        assert.deepEqual(await answers.answer(request('elicitation-url', page), signal), { action: 'decline' });
        assert.deepEqual(opened, []);
        assert.ok(log.some((l) => /pass --open-elicitation-urls/.test(l)));
        assert.match(log[0], /a page to open on https:\/\/example\.com/);
        assert.equal(answers.unanswered.length, 0);
      });

      it('--open-elicitation-urls opens the page and accepts', async () => {
        const { answers, opened } = handler({ openElicitationUrls: true });
        assert.deepEqual(await answers.answer(request('elicitation-url', page), signal), { action: 'accept' });
        assert.deepEqual(opened, ['https://example.com/consent?x=1']);
      });

      it('in a terminal, asks "Open <origin>…? [y/N]": y opens, anything else declines', async () => {
        const yes = typing('y');
        const a = handler({}, yes);
        assert.deepEqual(await a.answers.answer(request('elicitation-url', page), signal), { action: 'accept' });
        assert.deepEqual(a.opened, [page.url]);
        assert.match(yes.questions[0], /Open https:\/\/example\.com…\? \[y\/N\] $/);
        const b = handler({}, typing(''));
        assert.deepEqual(await b.answers.answer(request('elicitation-url', page), signal), { action: 'decline' });
        assert.deepEqual(b.opened, []);
      });

      it('never opens a URL that is not http(s), even with consent', async () => {
        const { answers, opened } = handler({ openElicitationUrls: true });
        const reply = await answers.answer(request('elicitation-url', { ...page, url: 'file:///etc/passwd' }), signal);
        assert.deepEqual(reply, { action: 'decline' });
        assert.deepEqual(opened, []);
      });
    });

    it('--sample-reply answers sampling; in a terminal the person reads the messages and types the reply', async () => {
      const params: JsonObject = {
        systemPrompt: 'Be brief',
        messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }],
        maxTokens: 100,
      };
      const fromFile = handler({ sampleReply: { file: 'r.txt', result: parseSampleReply('Paris') } });
      assert.equal(
        ((await fromFile.answers.answer(request('sampling', params), signal)).content as JsonObject).text,
        'Paris',
      );
      assert.equal(fromFile.log[1], 'answered: a reply of 5 characters');

      const ask = typing('Paris, of course');
      const typed = handler({}, ask);
      const reply = await typed.answers.answer(request('sampling', params), signal);
      assert.deepEqual(reply, {
        role: 'assistant',
        content: { type: 'text', text: 'Paris, of course' },
        model: CLI_MODEL,
        stopReason: 'endTurn',
      });
      assert.match(
        ask.questions[0],
        /\[system\] Be brief\n {2}\[user\] Capital of France\?\n {2}\(at most 100 tokens\)/,
      );
      // An empty reply declines (an error to the server), and is not "unanswered": the person chose.
      const declined = handler({}, typing(''));
      await assert.rejects(declined.answers.answer(request('sampling', params), signal), /declined/);
      assert.equal(declined.answers.unanswered.length, 0);
    });

    it('answers roots/list with the offered roots', async () => {
      const roots = [{ uri: 'file:///work/project', name: 'project' }];
      const { answers, log } = handler({ roots });
      assert.deepEqual(await answers.answer(request('roots', {}), signal), { roots });
      assert.equal(log[1], 'answered: 1 root: file:///work/project');
    });
  });
});
