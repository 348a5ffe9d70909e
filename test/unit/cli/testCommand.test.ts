import { strict as assert } from 'node:assert';
import { UsageError } from '../../../src/cli/args';
import { parseTestArgs } from '../../../src/cli/test';
import { formatCheckLine, formatSummary } from '../../../src/core/checks/index';

function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseTestArgs(argv),
    (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    argv.join(' '),
  );
}

describe('mcp-lens test: arguments and output lines', () => {
  it('takes files and folders, and the report options', () => {
    const request = parseTestArgs([
      'a.json',
      '.vscode/mcp-lens',
      '--junit',
      'out.xml',
      '--json',
      '--grep=^echo',
      '--timeout',
      '2.5',
    ]);
    assert.deepEqual(request.paths, ['a.json', '.vscode/mcp-lens']);
    assert.equal(request.junitPath, 'out.xml');
    assert.equal(request.json, true);
    assert.ok(request.grep?.test('echo works'));
    assert.equal(request.timeoutMs, 2500);
    assert.equal(parseTestArgs(['--help']).help, true);
  });

  it('refuses what it cannot use', () => {
    usageError([], /needs a checks file or a directory/);
    usageError(['a.json', '--grep', '('], /--grep: "\(" is not a valid regular expression/);
    usageError(['a.json', '--timeout', '0'], /--timeout must be a positive number of seconds/);
    usageError(['a.json', '--junit'], /--junit needs a value/);
    usageError(['a.json', '--json', '--json'], /--json is given more than once/);
    usageError(['a.json', '--stdio', 'x'], /Unknown option --stdio for test/);
    usageError(['a.json', '--json=yes'], /--json takes no value/);
  });

  it('prints a mark, the name and the duration, then each failure indented', () => {
    assert.equal(
      formatCheckLine({ name: 'echo', kind: 'tool', passed: true, durationMs: 12.6, failures: [] }),
      '  ✔ echo (13 ms)\n',
    );
    assert.equal(
      formatCheckLine({ name: 'bad\u001b[2J', kind: 'tool', passed: false, durationMs: 3, failures: ['a: x', 'b: y'] }),
      '  ✘ bad\\u001b[2J (3 ms)\n      a: x\n      b: y\n',
    );
  });

  it('sums up as N passed, N failed', () => {
    const result = (passed: boolean) => ({ name: 'c', kind: 'tool' as const, passed, durationMs: 1, failures: [] });
    assert.equal(formatSummary([result(true), result(false), result(true)]), '2 passed, 1 failed\n');
    assert.equal(formatSummary([]), '0 passed, 0 failed\n');
  });
});
