// The running-time clock behind the tests' "must happen" bounds (lib/timing.ts): time the
// runtime could not run does not use a bound up, and the run's scale stretches it.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { runningTime, scaledMs, setWindowScale, settlesWithinBound } from './lib/timing.ts';

function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('settlesWithinBound', () => {
  afterEach(() => setWindowScale(1));

  it('returns as soon as the promise settles', async () => {
    const started = performance.now();
    assert.deepEqual(await settlesWithinBound(Promise.resolve(7), 10_000), { state: 'fulfilled', value: 7 });
    assert.ok(performance.now() - started < 5_000);
  });

  it('gives up on a promise that never settles once the bound has run', async () => {
    assert.deepEqual(await settlesWithinBound(new Promise(() => {}), 50), { state: 'pending' });
  });

  it('does not count a stretch where the event loop could not run', async () => {
    const clock = runningTime(200);
    let expired = false;
    void clock.done.then(() => { expired = true; });
    // 400 ms of blocked event loop, twice the bound, is credited as one late tick only.
    setTimeout(() => blockFor(400), 10);
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.equal(expired, false, 'the bound expired while the runtime was starved');
    await clock.done;
  });

  it('multiplies bounds by the run\'s scale, never below 1', () => {
    setWindowScale(2.5);
    assert.equal(scaledMs(1000), 2500);
    setWindowScale(0.3);
    assert.equal(scaledMs(1000), 1000);
    setWindowScale('x');
    assert.equal(scaledMs(1000), 1000);
  });
});
