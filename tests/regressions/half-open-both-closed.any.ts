// cloudflare/workerd#5653: with allowHalfOpen true, the server ended its side, the application closed
// the writable, the connection was gone on the server, and closed stayed pending. The draft lists the
// ways closed resolves (close(), or a FIN / RST with allowHalfOpen false) and says closing the
// writable alone does not resolve it; it says nothing of both directions ending with allowHalfOpen
// true. So this is observed, not judged.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readGreeting, waitClosedBound } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { observeOutcome } from '../lib/observe.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';
import { describeSettlement, fulfilsWithin, MUST_SETTLE_MS } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'closed once both directions have ended with allowHalfOpen true (workerd#5653)',
  anchors: ['#closed-attribute', '#socketoptions-dictionary'],
  level: 'informational',
  tier: 'regression',
  upstream: [REPORTS.halfOpenPending],
  subtests: {
    'what closed does once the server\'s FIN was read and the writable closed (allowHalfOpen true)': {},
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: true }));
    await observeOutcome(t, async () => {
      const reader = ByteReader.of(socket.readable);
      const id = await readGreeting(reader, 'HELLO');
      await fulfilsWithin(reader.readToEnd(), 'the read up to the server\'s FIN');
      // greet-then-fin closes its side for good once it sees ours: both directions are then over.
      await fulfilsWithin(socket.writable.getWriter().close(), 'closing the writable');
      const server = await waitClosedBound(connect, fixtures, id, 2000);
      const closed = await settlesWithinBound(socket.closed, MUST_SETTLE_MS);
      const when = closed.state === 'pending' ? ` ${scaledMs(MUST_SETTLE_MS)} ms later` : '';
      return `with the server's side ${server.closed ? 'closed' : 'still open'}, closed was ${describeSettlement(closed)}${when}`;
    });
  }, 'what closed does once the server\'s FIN was read and the writable closed (allowHalfOpen true)');
}
