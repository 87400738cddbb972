// #closed-attribute: the circumstances that resolve closed (close(); with allowHalfOpen false, a FIN or
// a RST while readable is read) and their negative twins (no close(); allowHalfOpen true).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import { settledNow } from '../lib/timing.ts';
import { assert_thenable, describeRead, describeSettlement, fulfilsWithin, quietWindow, readOutcome, settleWithin, startClose } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'closed resolves on close(), and with allowHalfOpen false on a FIN or RST while reading',
  anchors: ['#closed-attribute'],
  level: 'required',
  subtests: {
    'closed is a Promise': { covers: ['closed.is-promise'] },
    'closed stays pending on an open connection nobody closed': { covers: ['closed.resolves-on-close'] },
    'closed resolves after close() is called on an open socket': { covers: ['closed.resolves-on-close'] },
    'closed resolves after close() is called before the socket opened': { covers: ['closed.resolves-on-close'] },
    'with allowHalfOpen false, closed resolves when the server sends FIN while readable is read': { covers: ['closed.resolves-on-fin-when-reading'] },
    'with allowHalfOpen false, closed resolves, not rejects, when the server resets the connection while readable is read': {
      covers: ['closed.resolves-on-rst-when-reading'],
    },
    'with allowHalfOpen true, the server\'s FIN alone leaves closed pending': { covers: ['closed.pending-after-fin-half-open'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_true(socket.closed instanceof Promise, 'closed is an instance of the global Promise');
    await socket.opened;
  }, 'closed is a Promise');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    // A full round trip: the connection is up and working, and nothing asked for it to close.
    assert_equals(await echoRoundTrip(reader, writer, 'ping'), 'ping', 'the echo round trip works');
    assert_thenable(socket.closed, 'closed');
    const state = await settledNow(socket.closed);
    assert_equals(state.state, 'pending', `closed is pending while the connection is open (${describeSettlement(state)})`);
  }, 'closed stays pending on an open connection nobody closed');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    await socket.opened;
    const closed = socket.closed;
    startClose(socket);
    await fulfilsWithin(closed, 'closed after close()');
  }, 'closed resolves after close() is called on an open socket');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const closed = socket.closed;
    // Synchronously after connect(): the connection cannot be up yet.
    startClose(socket);
    await fulfilsWithin(closed, 'closed after close() on a pending socket');
  }, 'closed resolves after close() is called before the socket opened');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: false }));
    const reader = ByteReader.of(socket.readable);
    await readGreeting(reader, 'HELLO');
    // Keep reading: the server's FIN follows the greeting.
    await settleWithin(readOutcome(reader.reader), 'the read after the greeting');
    await fulfilsWithin(socket.closed, 'closed after the server\'s FIN');
  }, 'with allowHalfOpen false, closed resolves when the server sends FIN while readable is read');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-rst'].ipv4, { allowHalfOpen: false }));
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    await readGreeting(reader, 'HELLO');
    // One byte from us is the server's cue to reset the connection.
    await writer.write(encode('!'));
    const after = await fulfilsWithin(readOutcome(reader.reader), 'the read after the reset');
    assert_not_equals(after.kind, 'data', `no data follows the reset (got ${describeRead(after)})`);
    const settled = await settleWithin(socket.closed, 'closed after the server\'s RST');
    assert_equals(settled.state, 'fulfilled',
      `closed resolves after a RST (${settled.state === 'rejected' ? `rejected with ${describeValue(settled.reason)}` : 'resolved'})`);
  }, 'with allowHalfOpen false, closed resolves, not rejects, when the server resets the connection while readable is read');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: true }));
    const reader = ByteReader.of(socket.readable);
    await readGreeting(reader, 'HELLO');
    // Whether this read reports done is the readable tests' business; it keeps the readable being
    // read while the FIN arrives, and a runtime gets the FIN during the window below.
    const next = readOutcome(reader.reader);
    await quietWindow(connect, fixtures);
    const read = await settledNow(next);
    assert_thenable(socket.closed, 'closed');
    const state = await settledNow(socket.closed);
    assert_equals(state.state, 'pending',
      `closed is pending after the FIN with allowHalfOpen true (${describeSettlement(state)}; the read: ${read.state === 'fulfilled' ? describeRead(read.value) : read.state})`);
  }, 'with allowHalfOpen true, the server\'s FIN alone leaves closed pending');
}
