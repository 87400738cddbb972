// The postgres driver's Workers build (postgres.js 3.4, cf/polyfills.js) upgrades like this: it calls
// startTls(), takes the new socket's writer, and marks the connection upgraded once that writer's
// ready has resolved; the original socket's closed then means "secure, go on" (it writes its startup
// message) if the connection is marked upgraded, and "the server hung up" otherwise. So the driver
// needs the original's closed to resolve, and to resolve after the new writer's ready. In this
// suite's interop tier postgres hangs after startTls() over the polyfill on node, deno and bun, and
// passes on workerd: the polyfill never resolves the original socket's closed (lobu-ai/lobu PR #3367
// found the same hang in a connect() of its own). The draft decides that startTls() closes the
// original socket (#starttls-method), so its closed resolves: required. It does not say when,
// relative to the new socket's writer or handshake: that order is observed.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { openPlainPhase, releaseLocks, requestUpgrade, tlsRoundTrip, upgrade } from '../lib/starttls.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';
import { describeSettlement, MUST_SETTLE_MS, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'after startTls() the original socket\'s closed resolves, as postgres.js waits for it (lobu#3367)',
  anchors: ['#starttls-method', '#closed-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.startTlsCloseSignal],
  subtests: {
    'a client that waits for the original socket\'s closed after startTls() gets to use the new socket': { covers: ['starttls.original-closed', 'starttls.tls-over-connection'] },
    'the order in which the original socket\'s closed, the new writer\'s ready and the new socket\'s opened settle': { level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const { socket, secure } = await upgrade(t, connect, fixtures);
    const settled = await settleWithin(socket.closed, 'the original socket\'s closed after startTls()');
    assert_equals(settled.state, 'fulfilled', `the original socket's closed: ${describeSettlement(settled)}`);
    assert_equals(await tlsRoundTrip(secure, 'startup\n'), 'startup\n', 'the first message on the new socket, sent after closed, comes back');
  }, 'a client that waits for the original socket\'s closed after startTls() gets to use the new socket');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    await requestUpgrade(phase);
    releaseLocks(phase);
    const { socket } = phase;
    await observeOutcome(t, async () => {
      // Every watcher is attached in the same turn as startTls(), as the driver does, so the order
      // seen is the order in which the promises settle, not the order of registration afterwards.
      const order: string[] = [];
      const mark = (name: string) => (value: unknown) => { order.push(name); return value; };
      const watch = (promise: unknown, name: string) => typeof (promise as { then?: unknown })?.then === 'function'
        ? (promise as Promise<unknown>).then(mark(`${name} fulfilled`), (e) => mark(`${name} rejected with ${describeValue(e)}`)(e))
        : Promise.resolve(order.push(`${name} is not a promise`));
      const originalClosed = watch(socket.closed, 'original closed');
      const secure = closeAtEnd(t, socket.startTls());
      const all = Promise.all([
        originalClosed,
        watch(secure.writable.getWriter().ready, 'new writer ready'),
        watch(secure.opened, 'new opened'),
      ]);
      const settled = await settlesWithinBound(all, MUST_SETTLE_MS);
      const seen = order.length > 0 ? order.join(', then ') : 'nothing settled';
      return settled.state === 'pending' ? `${seen}; the rest still pending after ${scaledMs(MUST_SETTLE_MS)} ms` : seen;
    });
  }, 'the order in which the original socket\'s closed, the new writer\'s ready and the new socket\'s opened settle');
}
