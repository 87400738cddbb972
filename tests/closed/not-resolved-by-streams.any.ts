// #closed-attribute: cancelling the readable and closing the writable are not ways to close the
// socket; closed stays pending.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, parseReport, waitClosed } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { settledNow } from '../lib/timing.ts';
import { assert_thenable, describeSettlement, quietWindow } from '../lib/windows.ts';

/** Several loopback round trips; a conforming implementation waits all of it, once. */
const CANCEL_WINDOW_MS = 100;

export const meta: FileMeta = {
  title: 'Cancelling readable or closing writable does not resolve closed',
  anchors: ['#closed-attribute'],
  level: 'required',
  subtests: {
    'cancelling readable does not resolve closed': { covers: ['closed.not-resolved-by-readable-cancel'] },
    'closing writable does not resolve closed': { covers: ['closed.not-resolved-by-writable-close'] },
    'cancelling readable and closing writable does not resolve closed': { covers: ['closed.not-resolved-by-both-streams'] },
  },
};

async function assertClosedPending(socket: Socket, after: string): Promise<void> {
  assert_thenable(socket.closed, 'closed');
  const state = await settledNow(socket.closed);
  assert_equals(state.state, 'pending', `closed is still pending after ${after} (${describeSettlement(state)})`);
}

export default function ({ connect, fixtures }: TestContext): void {
  // The `silent` service never reads, so it never sees our FIN and never closes its side: whatever
  // happens to closed comes from the client alone. The echo service stays open likewise while the
  // client keeps its writable open.
  //
  // The cancel and the close are started, not awaited: when their promises settle is up to the
  // streams (a close may wait for the peer's FIN, which `silent` never sends). The window below
  // starts once they have been asked for.
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.report.ipv4));
    const reader = ByteReader.of(socket.readable);
    const { id } = parseReport(await reader.readLine());
    reader.reader.cancel().catch(() => {});
    // Here the connection has an id, so the window can also cover an implementation that answers
    // the cancel by closing the connection and resolves closed once the server has gone: WAIT-CLOSED
    // returns as soon as the server sees the connection close, else after CANCEL_WINDOW_MS.
    await waitClosed(connect, fixtures, id, CANCEL_WINDOW_MS);
    await quietWindow(connect, fixtures);
    await assertClosedPending(socket, 'readable.cancel()');
  }, 'cancelling readable does not resolve closed');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.silent.ipv4));
    await socket.opened;
    socket.writable.close().catch(() => {});
    await quietWindow(connect, fixtures);
    await assertClosedPending(socket, 'writable.close()');
  }, 'closing writable does not resolve closed');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.silent.ipv4));
    await socket.opened;
    socket.readable.cancel().catch(() => {});
    socket.writable.close().catch(() => {});
    await quietWindow(connect, fixtures);
    await assertClosedPending(socket, 'readable.cancel() and writable.close()');
  }, 'cancelling readable and closing writable does not resolve closed');
}
