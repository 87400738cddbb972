// cloudflare/workerd#6479: with allowHalfOpen false, a client that drains the readable to the server's
// FIN and then calls close() saw closed reject with undefined. The draft decides this case: closed is
// resolved when close() is called (#closed-attribute), and a FIN read with allowHalfOpen false is
// itself one of the ways closed resolves. Neither is a failure to connect, the only case in which the
// draft lets closed reject.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeRead, describeSettlement, readOutcome, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'closed resolves when close() follows the server\'s FIN (workerd#6479)',
  anchors: ['#closed-attribute', '#close-method'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.closedAfterFin],
  subtests: {
    'closed resolves, not rejects, when close() follows a FIN read to the end (allowHalfOpen false)': {
      covers: ['closed.resolves-on-close', 'closed.resolves-on-fin-when-reading'],
    },
    'the promise close() returns after the server\'s FIN fulfils': { covers: ['close.returns-closed', 'closed.resolves-on-close'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: false }));
    const reader = ByteReader.of(socket.readable);
    await readGreeting(reader, 'HELLO');
    const end = await readOutcome(reader.reader);
    assert_equals(end.kind, 'done', `the read after the greeting ends with the server's FIN (got ${describeRead(end)})`);
    socket.close();
    const settled = await settleWithin(socket.closed, 'closed after close()');
    assert_equals(settled.state, 'fulfilled', `closed after the FIN and close(): ${describeSettlement(settled)}`);
  }, 'closed resolves, not rejects, when close() follows a FIN read to the end (allowHalfOpen false)');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: false }));
    const reader = ByteReader.of(socket.readable);
    await readGreeting(reader, 'HELLO');
    await reader.readToEnd();
    const settled = await settleWithin(socket.close(), 'the promise close() returned');
    assert_equals(settled.state, 'fulfilled', `close() after the FIN: ${describeSettlement(settled)}`);
  }, 'the promise close() returns after the server\'s FIN fulfils');
}
