// #close-method: what close() does once closed has already settled. The draft does not say; proposal
// issue 24 and workerd issue 6479 show implementations differ, so these subtests only observe.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue, observe } from '../lib/observe.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { settlesWithinBound as settlesWithin } from '../lib/timing.ts';
import { describeSettlement, MUST_SETTLE_MS, readOutcome } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'What close() returns after closed has settled',
  anchors: ['#close-method'],
  level: 'informational',
  subtests: {
    'what close() returns after closed rejected for a refused connection': { covers: ['close.after-closed-rejected'] },
    'what close() returns after the server closed the connection': { covers: ['close.after-remote-close'] },
  },
};

async function observeClose(t: TestharnessTest, socket: Socket): Promise<void> {
  let returned: Promise<void>;
  try {
    returned = socket.close();
  } catch (error) {
    observe(t, `close() threw ${describeValue(error)}`);
    return;
  }
  const same = returned === socket.closed;
  if (typeof (returned as { then?: unknown } | undefined)?.then !== 'function') {
    observe(t, `close() returned ${describeValue(returned)}`);
    return;
  }
  const settlement = await settlesWithin(returned, MUST_SETTLE_MS);
  observe(t, `close() returned ${same ? 'closed itself' : 'a different promise'}, which was ${describeSettlement(settlement)}`);
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    const before = await settlesWithin(socket.closed, MUST_SETTLE_MS);
    observe(t, `closed was first ${describeSettlement(before)}`);
    await observeClose(t, socket);
  }, 'what close() returns after closed rejected for a refused connection');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: false }));
    const reader = ByteReader.of(socket.readable);
    await readGreeting(reader, 'HELLO');
    const end = await settlesWithin(readOutcome(reader.reader), MUST_SETTLE_MS);
    const before = await settlesWithin(socket.closed, MUST_SETTLE_MS);
    observe(t, `after the server's FIN the read was ${end.state === 'fulfilled' ? end.value.kind : end.state} and closed was ${describeSettlement(before)}`);
    await observeClose(t, socket);
  }, 'what close() returns after the server closed the connection');
}
