/**
 * The bundled `mcp-lens` CLI answering what the real @modelcontextprotocol/server-everything asks
 * (over stdio): elicitation forms and URL pages, sampling, roots — from flags, from a terminal (a
 * pseudo-terminal), and refused with exit code 4 when nothing can answer; plus `complete`,
 * `--log-level` and `call --task`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatCommandLine } from '../../../src/core/config';
import { everythingStdioCommand } from '../../support/everything';
import { ANSWER_STDIO_SERVER_PATH } from '../../fixtures/answer/answerStdioServer';
import { cli, cliBundle, startCli } from './harness';

function target(): string[] {
  const { command, args } = everythingStdioCommand();
  return ['--stdio', formatCommandLine([command, ...args])];
}

describe('cli: answering the server (server-everything over stdio)', function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-answer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  describe('elicitation forms', () => {
    it('--elicit <file.json> accepts with the file content (defaults fill the rest) and logs field names, not values', async () => {
      const answer = file('form.json', JSON.stringify({ name: 'Ada Lovelace', check: true }));
      const r = await cli(['call', ...target(), 'trigger-elicitation-request', '--elicit', answer]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /User provided the requested information/);
      assert.match(r.stdout, /- Name: Ada Lovelace/);
      assert.match(r.stdout, /- Favorite Integer: 42/, 'the default of a field the file leaves out');
      assert.match(
        r.stderr,
        /mcp-lens: the server asks for a form \(elicitation\) during tools\/call trigger-elicitation-request "Please provide inputs for the following fields:"; fields: name\*, check,/,
      );
      assert.match(r.stderr, /mcp-lens: answered: accepted with .*\bname\b/);
      assert.doesNotMatch(r.stderr, /Ada/, 'the values stay off the log');
    });

    it('--elicit accept-defaults refuses a form whose required field has no default: exit 4 and the flag to pass', async () => {
      const r = await cli(['call', ...target(), 'trigger-elicitation-request', '--elicit', 'accept-defaults']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(
        r.stderr,
        /mcp-lens: The form cannot be accepted with its defaults: required field "name" has no default\.\nhint: Answer it with --elicit <file\.json>/,
      );
    });

    it('--elicit decline and --elicit cancel', async () => {
      const declined = await cli(['call', ...target(), 'trigger-elicitation-request', '--elicit', 'decline']);
      assert.equal(declined.code, 0, declined.stderr);
      assert.match(declined.stdout, /User declined to provide the requested information/);
      const cancelled = await cli(['call', ...target(), 'trigger-elicitation-request', '--elicit', 'cancel']);
      assert.equal(cancelled.code, 0, cancelled.stderr);
      assert.match(cancelled.stdout, /User cancelled the elicitation dialog/);
    });

    it('an --elicit file that does not fit the form: exit 4 naming the problem', async () => {
      const answer = file('bad.json', JSON.stringify({ name: 'Ada', integer: 500 }));
      const r = await cli(['call', ...target(), 'trigger-elicitation-request', '--elicit', answer]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /does not fit the form: "integer" must be at most 100\./);
    });

    it('without a terminal and without --elicit: refused, exit 4, naming --elicit', async () => {
      const r = await cli(['call', ...target(), 'trigger-elicitation-request']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(
        r.stderr,
        /mcp-lens: The server asked for a form \(elicitation\) and there is no terminal to ask in\.\nhint: Pass --elicit accept-defaults, --elicit <file\.json>, --elicit decline or --elicit cancel\./,
      );
    });

    it('a missing --elicit file is a usage error before connecting', async () => {
      const r = await cli([
        'call',
        ...target(),
        'trigger-elicitation-request',
        '--elicit',
        path.join(dir, 'none.json'),
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--elicit: cannot read ".*none\.json" \(no such file\)/);
    });

    it('in a terminal, asks the fields one by one with their defaults', async () => {
      const p = await startCli(['call', ...target(), 'trigger-elicitation-request'], {}, { pty: true });
      // Each question is looked for after the previous answer (the terminal echoes and redraws lines).
      let seen = 0;
      const answer = async (question: RegExp, line: string) => {
        await new Promise<void>((resolve, reject) => {
          const started = Date.now();
          const check = setInterval(() => {
            const match = question.exec(p.stdout().slice(seen));
            if (match) {
              clearInterval(check);
              seen += match.index + match[0].length;
              resolve();
            } else if (Date.now() - started > 15_000 || p.child.exitCode !== null) {
              clearInterval(check);
              reject(new Error(`no question ${question} after: ${p.stdout().slice(seen)}`));
            }
          }, 20);
        });
        p.child.stdin!.write(`${line}\r`);
      };
      await answer(/Fill in the form\? \[Y\]es, \[n\]o \(decline\), \[c\]ancel: /, 'y');
      await answer(/String \(name\) \(string\) — Your full, legal name \(required\): /, 'Grace');
      await answer(/Boolean \(check\) \(y\/n\)[^\n]*: /, 'y');
      await answer(/\(firstLine\) \(string\)[^\n]*\["It was a dark and stormy night\."\]: /, '');
      await answer(/\(email\) \(email\)[^\n]*: /, 'grace@example.com');
      // The rest: their defaults, or left out.
      for (const field of [
        'homepage',
        'birthdate',
        'integer',
        'number',
        'untitledSingleSelectEnum',
        'untitledMultipleSelectEnum',
        'titledSingleSelectEnum',
        'titledMultipleSelectEnum',
        'legacyTitledEnum',
      ]) {
        await answer(new RegExp(`\\(${field}\\) [^\\n]*: `), '');
      }
      const r = await p.done;
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /- Name: Grace/);
      assert.match(r.stdout, /- Email: grace@example\.com/);
      assert.match(r.stdout, /- Agreed to terms: true/);
    });
  });

  describe('URL elicitation', () => {
    it('without consent the page is declined and not opened; --open-elicitation-urls opens it with $BROWSER', async () => {
      const visits = path.join(dir, 'visits.txt');
      fs.writeFileSync(visits, '');
      const browser = file('browser.sh', `#!/bin/sh\necho "$1" >> ${formatCommandLine([visits])}\n`);
      fs.chmodSync(browser, 0o755);
      const args = ['call', ...target(), 'trigger-url-elicitation', '{"url": "https://example.com/consent?step=1"}'];

      const declined = await cli(args, { BROWSER: browser });
      assert.equal(declined.code, 0, declined.stderr);
      assert.match(declined.stdout, /User declined to open the URL/);
      assert.match(
        declined.stderr,
        /not opening https:\/\/example\.com without consent: pass --open-elicitation-urls to open such pages\./,
      );
      assert.equal(fs.readFileSync(visits, 'utf8'), '');

      const opened = await cli([...args, '--open-elicitation-urls'], { BROWSER: browser });
      assert.equal(opened.code, 0, opened.stderr);
      assert.match(opened.stdout, /User completed the URL elicitation flow/);
      assert.equal(fs.readFileSync(visits, 'utf8'), 'https://example.com/consent?step=1\n');
    });
  });

  it('in a terminal, a page to open is asked about first: "Open <origin>…? [y/N]", and no declines', async () => {
    const p = await startCli(
      ['call', ...target(), 'trigger-url-elicitation', '{"url": "https://example.com/consent"}'],
      { BROWSER: '/bin/false' },
      { pty: true },
    );
    await p.waitFor(/Open https:\/\/example\.com…\? \[y\/N\] /, 'stdout');
    p.child.stdin!.write('n\r');
    const r = await p.done;
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /https:\/\/example\.com\/consent/);
    assert.match(r.stdout, /User declined to open the URL/);
  });

  describe('sampling', () => {
    it('--sample-reply <file> sends its text as the model reply', async () => {
      const reply = file('reply.txt', 'Paris is the capital of France.\n');
      const r = await cli([
        'call',
        ...target(),
        'trigger-sampling-request',
        '{"prompt": "Capital of France?"}',
        '--sample-reply',
        reply,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"text": "Paris is the capital of France\."/);
      assert.match(
        r.stderr,
        /mcp-lens: the server asks for a model reply \(sampling\) during tools\/call trigger-sampling-request, 1 message\nmcp-lens: answered: a reply of 31 characters/,
      );
    });

    it('--sample-reply with a CreateMessageResult JSON sends it as is', async () => {
      const reply = file('reply.json', JSON.stringify({ content: { type: 'text', text: 'Lyon?' }, model: 'my-model' }));
      const r = await cli([
        'call',
        ...target(),
        'trigger-sampling-request',
        '{"prompt": "x"}',
        '--sample-reply',
        reply,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /"model": "my-model"/);
      assert.match(r.stdout, /"text": "Lyon\?"/);
    });

    it('without a terminal and without --sample-reply: exit 4 naming --sample-reply', async () => {
      const r = await cli(['call', ...target(), 'trigger-sampling-request', '{"prompt": "x"}']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /hint: Pass --sample-reply <file>/);
    });
  });

  describe('roots', () => {
    it('--roots offers the directories as file:// roots', async () => {
      const project = path.join(dir, 'project');
      fs.mkdirSync(project);
      const r = await cli(['call', ...target(), 'get-roots-list', '--roots', project, '--roots', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Current MCP Roots \(2 total\)/);
      assert.ok(r.stdout.includes(`URI: ${pathToFileURL(project).href}`), r.stdout);
      assert.ok(r.stdout.includes(`URI: ${pathToFileURL(dir).href}`), r.stdout);
    });

    it('without --roots the client declares no roots (the server hides get-roots-list)', async () => {
      const r = await cli(['tools', ...target(), '--json']);
      assert.equal(r.code, 0, r.stderr);
      const names = (JSON.parse(r.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
      assert.ok(!names.includes('get-roots-list'));
      assert.ok(names.includes('trigger-elicitation-request') && names.includes('trigger-sampling-request'));
    });

    it('a --roots directory that does not exist is a usage error', async () => {
      const r = await cli(['tools', ...target(), '--roots', path.join(dir, 'missing')]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--roots: ".*missing" does not exist/);
    });
  });

  describe('complete, --log-level, call --task', () => {
    it('complete prints the values one a line (and --json the whole answer)', async () => {
      const r = await cli(['complete', ...target(), '--prompt', 'completable-prompt', '--argument', 'department=E']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Engineering\n');
      const json = await cli([
        'complete',
        ...target(),
        '--prompt',
        'completable-prompt',
        '--argument',
        'name=',
        '--context',
        'department=Sales',
        '--json',
      ]);
      assert.equal(json.code, 0, json.stderr);
      const values = (JSON.parse(json.stdout) as { values: string[] }).values;
      assert.ok(values.length > 0, json.stdout);
    });

    it('--log-level sets the level and prints the server log messages on stderr with their level', async () => {
      const r = await cli(['call', ...target(), 'toggle-simulated-logging', '--log-level', 'debug']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /^\[server (debug|info|notice|warning|error|critical|alert|emergency)\] \w+.level.message/im,
      );
    });

    it('a tool that requires a task: without --task the error says to add it; with --task it runs, status on stderr', async () => {
      const plain = await cli(['call', ...target(), 'simulate-research-query', '{"topic": "bees"}']);
      assert.equal(plain.code, 2, plain.stderr);
      assert.match(plain.stderr, /simulate-research-query.*task.*\nhint: Add --task to run it as a task\./);

      const task = await cli(['call', ...target(), 'simulate-research-query', '{"topic": "bees"}', '--task']);
      assert.equal(task.code, 0, task.stderr);
      assert.match(task.stdout, /# Research Report: bees/);
      assert.match(task.stderr, /^task \S+: working — Gathering sources/m);
      assert.match(task.stderr, /^task \S+: completed/m);
    });

    it('call --task: an input_required task asks through the same flags (--elicit decline)', async () => {
      const r = await cli([
        'call',
        ...target(),
        'simulate-research-query',
        '{"topic": "python", "ambiguous": true}',
        '--task',
        '--elicit',
        'decline',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^task \S+: input_required/m);
      assert.match(r.stderr, /mcp-lens: answered: declined/);
      assert.match(r.stdout, /User declined/);
    });

    it('call --task: a task question nothing answers is refused, and the command exits 4 naming --elicit', async () => {
      const r = await cli([
        'call',
        ...target(),
        'simulate-research-query',
        '{"topic": "python", "ambiguous": true}',
        '--task',
      ]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /^task \S+: input_required/m);
      assert.match(
        r.stderr,
        /mcp-lens: refused: The server asked for a form \(elicitation\) and there is no terminal to ask in\./,
      );
      assert.match(
        r.stderr,
        /\nhint: Pass --elicit accept-defaults, --elicit <file\.json>, --elicit decline or --elicit cancel\.\n$/,
      );
    });
  });
});

/** The answer fixture asks in the 2026-07-28 style (input_required rounds) and, on 2025, with server→client requests. */
describe('cli: answering the server on both eras (the answer fixture over stdio)', function () {
  this.timeout(60_000);
  let fixture: string[];
  let fixtureDir: string | undefined;
  let dir: string;

  after(() => {
    if (fixtureDir) fs.rmSync(fixtureDir, { recursive: true, force: true });
  });

  before(async function () {
    this.timeout(120_000);
    await cliBundle();
    // Bundled once, so each start is quick: a start through tsx can outlast the stdio server/discover
    // probe on a busy machine, and the server would be taken for a 2025 one.
    const esbuild = await import('esbuild');
    fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-answer-fixture-'));
    const outfile = path.join(fixtureDir, 'answer.js');
    await esbuild.build({
      entryPoints: [ANSWER_STDIO_SERVER_PATH],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    fixture = ['--stdio', formatCommandLine([process.execPath, outfile])];
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-lens-answer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const protocol of ['2026-07-28', '2025']) {
    describe(`--protocol ${protocol}`, () => {
      const run = (...args: string[]) => cli([...args, '--protocol', protocol]);

      it('answers a form with its defaults, and refuses it with exit 4 when nothing can answer', async () => {
        const accepted = await run('call', ...fixture, 'ask-form', '--elicit', 'accept-defaults');
        assert.equal(accepted.code, 0, accepted.stderr);
        assert.equal(accepted.stdout, 'form: accepted {"name":"Ada","age":36,"color":"green","subscribe":true}\n');
        const refused = await run('call', ...fixture, 'ask-form');
        assert.equal(refused.code, 4, refused.stderr);
        assert.match(
          refused.stderr,
          /\nhint: Pass --elicit accept-defaults, --elicit <file\.json>, --elicit decline or --elicit cancel\.\n$/,
        );
      });

      it('answers sampling from --sample-reply and roots from --roots', async () => {
        const reply = path.join(dir, 'reply.txt');
        fs.writeFileSync(reply, 'hello');
        const sample = await run('call', ...fixture, 'ask-sample', '--sample-reply', reply);
        assert.equal(sample.code, 0, sample.stderr);
        assert.equal(sample.stdout, 'sample from mcp-lens-cli (written reply): hello\n');
        const roots = await run('call', ...fixture, 'list-roots', '--roots', dir);
        assert.equal(roots.code, 0, roots.stderr);
        assert.equal(
          roots.stdout,
          `roots: ${JSON.stringify([{ uri: pathToFileURL(dir).href, name: path.basename(dir) }])}\n`,
        );
      });

      it('declines a page to open without consent; its message is printed as text', async () => {
        const r = await run('call', ...fixture, 'ask-url');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'url: decline\n');
        assert.match(r.stderr, /a page to open on https:\/\/auth\.example\.com \(URL elicitation\)/);
      });

      it('--log-level error prints the server messages from error up, each with its level', async () => {
        const r = await run('call', ...fixture, 'log-all', '--log-level', 'error');
        assert.equal(r.code, 0, r.stderr);
        const logLines = r.stderr.split('\n').filter((l) => l.startsWith('[server '));
        assert.deepEqual(logLines, [
          '[server error] answer-fixture: error: hello',
          '[server critical] answer-fixture: critical: hello',
          '[server alert] answer-fixture: alert: hello',
          '[server emergency] answer-fixture: emergency: hello',
        ]);
      });

      it('complete lists the matching values of a prompt argument and of a template variable', async () => {
        const r = await run('complete', ...fixture, '--prompt', 'greet-in', '--argument', 'language=e');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'english\nesperanto\nestonian\n');
        const t = await run(
          'complete',
          ...fixture,
          '--resource-template',
          'answer://items/{id}',
          '--argument',
          'id=',
          '--json',
        );
        assert.equal(t.code, 0, t.stderr);
        assert.ok((JSON.parse(t.stdout) as { values: string[] }).values.length > 0, t.stdout);
      });
    });
  }
});
