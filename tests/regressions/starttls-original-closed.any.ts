// The postgres driver's Workers build (postgres.js) writes its startup message on the upgraded socket
// only once the original socket's closed has settled after startTls(); a connect() that never settles
// it leaves the driver waiting until its connect timeout (lobu-ai/lobu PR #3367 found this in a
// connect() of its own; in this suite's interop tier postgres hangs the same way over the polyfill on
// node, deno and bun, and passes on workerd). The draft decides that the original socket is closed by
// startTls() (#starttls-method), so its closed resolves: required. It does not say when, relative to
// the new socket's handshake: that order is observed.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { tlsRoundTrip, upgrade } from '../lib/starttls.ts';
import { settlesWithin } from '../lib/timing.ts';
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
    'the order in which the original socket\'s closed and the new socket\'s opened settle': { level: 'informational' },
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
    const { socket, secure } = await upgrade(t, connect, fixtures);
    await observeOutcome(t, async () => {
      const order: string[] = [];
      const mark = (name: string) => (value: unknown) => { order.push(name); return value; };
      const watch = (promise: unknown, name: string) => typeof (promise as { then?: unknown })?.then === 'function'
        ? (promise as Promise<unknown>).then(mark(`${name} fulfilled`), (e) => mark(`${name} rejected with ${describeValue(e)}`)(e))
        : Promise.resolve(order.push(`${name} is not a promise`));
      const both = Promise.all([watch(socket.closed, 'original closed'), watch(secure.opened, 'new opened')]);
      const settled = await settlesWithin(both, MUST_SETTLE_MS);
      const seen = order.length > 0 ? order.join(', then ') : 'neither settled';
      return settled.state === 'pending' ? `${seen}; the other was still pending after ${MUST_SETTLE_MS} ms` : seen;
    });
  }, 'the order in which the original socket\'s closed and the new socket\'s opened settle');
}
