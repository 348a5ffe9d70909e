import { strict as assert } from 'node:assert';
import { RequestDeadlines } from '../../../src/core/requestDeadlines';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and its resolve/reject, standing for a sign-in in progress. */
function signIn(): { promise: Promise<void>; finish(): void; fail(): void } {
  let finish!: () => void;
  let fail!: () => void;
  const promise = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = () => reject(new Error('sign-in failed'));
  });
  promise.catch(() => undefined);
  return { promise, finish, fail };
}

describe('RequestDeadlines: request timeouts that stand still during a sign-in', () => {
  it('expires after its length when no sign-in runs, and not after clear()', async () => {
    const deadlines = new RequestDeadlines();
    let expired = 0;
    deadlines.start(40, () => expired++);
    const cleared = deadlines.start(40, () => expired++);
    cleared.clear();
    await sleep(100);
    assert.equal(expired, 1);
  });

  it('does not run while a sign-in holds it, then starts again at full length', async () => {
    const deadlines = new RequestDeadlines();
    let expiredAt: number | undefined;
    deadlines.start(300, () => (expiredAt = performance.now()));
    await sleep(200);
    const running = signIn();
    deadlines.hold(running.promise);
    assert.equal(deadlines.held, true);
    await sleep(400); // longer than the whole timeout
    assert.equal(expiredAt, undefined, 'no expiry during the sign-in');
    const released = performance.now();
    running.finish();
    await sleep(150);
    assert.equal(expiredAt, undefined, 'the full 300 ms start again after the sign-in, not the 100 ms that were left');
    await sleep(300);
    assert.ok(expiredAt !== undefined, 'it expires once the server had its full time');
    assert.ok(expiredAt - released >= 295, `expired ${Math.round(expiredAt - released)} ms after the sign-in ended`);
  });

  it('a deadline started during a sign-in waits for it; a failed sign-in releases it too', async () => {
    const deadlines = new RequestDeadlines();
    let expired = false;
    const running = signIn();
    deadlines.hold(running.promise);
    deadlines.start(30, () => (expired = true));
    await sleep(80);
    assert.equal(expired, false);
    running.fail();
    await sleep(80);
    assert.equal(expired, true);
    assert.equal(deadlines.held, false);
  });

  it('two overlapping sign-ins hold it until the last one ends', async () => {
    const deadlines = new RequestDeadlines();
    let expired = false;
    deadlines.start(30, () => (expired = true));
    const first = signIn();
    const second = signIn();
    deadlines.hold(first.promise);
    deadlines.hold(second.promise);
    first.finish();
    await sleep(80);
    assert.equal(expired, false, 'the second sign-in still runs');
    second.finish();
    await sleep(80);
    assert.equal(expired, true);
  });

  it('restart() gives the full length again (progress), and is held like the rest during a sign-in', async () => {
    const deadlines = new RequestDeadlines();
    let expired = false;
    const deadline = deadlines.start(60, () => (expired = true));
    await sleep(40);
    deadline.restart();
    await sleep(40);
    assert.equal(expired, false);
    const running = signIn();
    deadlines.hold(running.promise);
    deadline.restart();
    await sleep(100);
    assert.equal(expired, false);
    running.finish();
    await sleep(100);
    assert.equal(expired, true);
  });
});
