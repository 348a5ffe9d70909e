import { strict as assert } from 'node:assert';
import {
  DebugLaunchError,
  RestartScheduler,
  debuggableLaunch,
  detectRuntime,
  inspectorPort,
  isExcludedFromWatch,
  parseGlobList,
  validateWatchGlobs,
} from '../../../src/core/devLoop';

/** Timers the test fires by hand: the scheduler's debounce without waiting. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (fn: () => void) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimer: (handle: unknown) => void pending.delete(handle as number),
    get count() {
      return pending.size;
    },
    fireAll() {
      const fns = [...pending.values()];
      pending.clear();
      fns.forEach((fn) => fn());
    },
  };
}

describe('dev loop (core)', () => {
  describe('detectRuntime', () => {
    it('knows Node and its launchers, and Python interpreters, by the command name', () => {
      for (const c of ['node', '/usr/bin/node', 'npx', 'tsx', 'C:\\Program Files\\nodejs\\node.exe', 'npm.cmd']) {
        assert.equal(detectRuntime(c), 'node', c);
      }
      for (const c of ['python', 'python3', '/usr/bin/python3.12', 'python.exe']) {
        assert.equal(detectRuntime(c), 'python', c);
      }
      for (const c of ['uvx', 'docker', 'deno', 'pythonic', './server']) assert.equal(detectRuntime(c), undefined, c);
    });
  });

  describe('debuggableLaunch', () => {
    it('puts --inspect on loopback first in node’s arguments, before the script', () => {
      const launch = debuggableLaunch({ command: 'node', args: ['server.js', '--stdio'] }, 'node');
      assert.deepEqual(launch.args, ['--inspect=127.0.0.1:0', 'server.js', '--stdio']);
      assert.equal(launch.command, 'node');
    });

    it('reaches Node behind a launcher through NODE_OPTIONS, keeping the options already set', () => {
      const launch = debuggableLaunch(
        { command: 'npx', args: ['-y', 'my-server'], env: { NODE_OPTIONS: '--max-old-space-size=512', A: '1' } },
        'node',
      );
      assert.deepEqual(launch.args, ['-y', 'my-server']);
      assert.deepEqual(launch.env, { NODE_OPTIONS: '--max-old-space-size=512 --inspect=127.0.0.1:0', A: '1' });
    });

    it('runs a Python server under debugpy on the given loopback port', () => {
      const launch = debuggableLaunch({ command: 'python3', args: ['-m', 'simple_auth'], cwd: '/srv' }, 'python', 5678);
      assert.deepEqual(launch.args, [
        '-Xfrozen_modules=off',
        '-m',
        'debugpy',
        '--listen',
        '127.0.0.1:5678',
        '-m',
        'simple_auth',
      ]);
      assert.equal(launch.cwd, '/srv');
    });

    it('refuses Python behind a launcher, saying what command would work', () => {
      assert.throws(
        () => debuggableLaunch({ command: 'uv', args: ['run', 'server'] }, 'python', 5678),
        (e: Error) =>
          e instanceof DebugLaunchError &&
          /must be the Python interpreter itself/.test(e.message) &&
          /python server\.py/.test(e.message),
      );
    });
  });

  describe('inspectorPort', () => {
    it('reads the port of a loopback inspector from Node’s stderr line', () => {
      assert.equal(inspectorPort('Debugger listening on ws://127.0.0.1:40123/8a2b-uuid'), 40123);
      assert.equal(inspectorPort('  Debugger listening on ws://localhost:9229/x  '), 9229);
      assert.equal(inspectorPort('Debugger listening on ws://[::1]:9230/x'), 9230);
    });

    it('ignores other lines, other hosts and impossible ports', () => {
      assert.equal(inspectorPort('For help, see: https://nodejs.org/en/docs/inspector'), undefined);
      assert.equal(inspectorPort('Debugger listening on ws://0.0.0.0:9229/x'), undefined);
      assert.equal(inspectorPort('Debugger listening on ws://10.0.0.5:9229/x'), undefined);
      assert.equal(inspectorPort('Debugger listening on ws://127.0.0.1:99999/x'), undefined);
      assert.equal(inspectorPort('log: Debugger listening on ws://127.0.0.1:9229/x'), undefined);
    });
  });

  describe('watch patterns', () => {
    it('never restarts for dependencies, VCS metadata or Python caches', () => {
      assert.equal(isExcludedFromWatch('node_modules/pkg/index.js'), true);
      assert.equal(isExcludedFromWatch('src/__pycache__/server.cpython-312.pyc'), true);
      assert.equal(isExcludedFromWatch('.git/index'), true);
      assert.equal(isExcludedFromWatch('src/server.ts'), false);
      assert.equal(isExcludedFromWatch('src/node_modules_helper.ts'), false);
    });

    it('checks the globs as written: a list of relative, non-empty patterns', () => {
      assert.equal(validateWatchGlobs(['src/**/*.ts', '*.py']), undefined);
      assert.match(validateWatchGlobs('src/**') ?? '', /must be a list/);
      assert.match(validateWatchGlobs(['']) ?? '', /non-empty/);
      assert.match(validateWatchGlobs([42]) ?? '', /non-empty string/);
      assert.match(validateWatchGlobs(['/etc/**']) ?? '', /absolute.*relative to the server's working directory/);
      assert.match(validateWatchGlobs(['C:\\src\\*.ts']) ?? '', /absolute/);
      assert.match(validateWatchGlobs(Array.from({ length: 21 }, (_, i) => `${i}/*`)) ?? '', /at most 20/);
    });

    it('splits typed patterns on commas, except inside braces', () => {
      assert.deepEqual(parseGlobList(' src/**/*.{ts,js} , lib/*.py,,'), ['src/**/*.{ts,js}', 'lib/*.py']);
      assert.deepEqual(parseGlobList('   '), []);
    });
  });

  describe('RestartScheduler', () => {
    it('turns a burst of changes into one restart after the quiet time, naming the files', async () => {
      const timers = manualTimers();
      const reasons: string[] = [];
      const scheduler = new RestartScheduler({ restart: async (r) => void reasons.push(r), ...timers });
      scheduler.changedFile('src/a.ts');
      scheduler.changedFile('src/b.ts');
      scheduler.changedFile('src/a.ts');
      assert.equal(timers.count, 1, 'one pending timer: each change restarts the quiet time');
      assert.deepEqual(reasons, []);
      timers.fireAll();
      await scheduler.idle();
      assert.deepEqual(reasons, ['2 files changed (src/a.ts, src/b.ts)']);
      scheduler.changedFile('src/c.ts');
      timers.fireAll();
      await scheduler.idle();
      assert.deepEqual(reasons.at(-1), 'src/c.ts changed');
    });

    it('never runs two restarts at once: a change during one causes exactly one more', async () => {
      const timers = manualTimers();
      const reasons: string[] = [];
      let release!: () => void;
      let running = 0;
      let most = 0;
      const scheduler = new RestartScheduler({
        restart: async (r) => {
          running++;
          most = Math.max(most, running);
          reasons.push(r);
          if (reasons.length === 1) await new Promise<void>((resolve) => (release = resolve));
          running--;
        },
        ...timers,
      });
      scheduler.changedFile('a.ts');
      timers.fireAll();
      scheduler.changedFile('b.ts');
      scheduler.changedFile('c.ts');
      assert.equal(timers.count, 0, 'nothing is scheduled while a restart runs');
      release();
      await new Promise((r) => setImmediate(r));
      assert.equal(timers.count, 1, 'one more restart is due after it');
      timers.fireAll();
      await scheduler.idle();
      assert.deepEqual(reasons, ['a.ts changed', '2 files changed (b.ts, c.ts)']);
      assert.equal(most, 1);
    });

    it('a failed restart does not stop the loop; dispose cancels what is due', async () => {
      const timers = manualTimers();
      let calls = 0;
      const scheduler = new RestartScheduler({
        restart: async () => {
          calls++;
          throw new Error('the server exited');
        },
        ...timers,
      });
      scheduler.changedFile('a.ts');
      timers.fireAll();
      await scheduler.idle();
      scheduler.changedFile('a.ts');
      timers.fireAll();
      await scheduler.idle();
      assert.equal(calls, 2);
      scheduler.changedFile('a.ts');
      scheduler.dispose();
      assert.equal(timers.count, 0);
      scheduler.changedFile('b.ts');
      assert.equal(timers.count, 0);
    });
  });
});
