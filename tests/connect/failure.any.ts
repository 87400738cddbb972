// connect() step 7: a connection that cannot be made rejects opened and closed with one error,
// cancels the readable and aborts the writable. The `refused` fixture is a port nobody listens on.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, familyLabel } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { assert_socket_error, connectionFailure, rejectionOf } from '../lib/errors.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { encode } from '../lib/bytes.ts';
import { scaledMs, settlesWithinBound, type Settlement } from '../lib/timing.ts';

// The stream was already ended or errored when opened rejected, so a read settles at once; the
// window only keeps an implementation that leaves it hanging from costing the rest of the file.
const STOP_WINDOW_MS = 1000;

/** A read that ended (done) or rejected: either way the readable stopped. */
function assert_read_stops(outcome: Settlement<ReadableStreamReadResult<Uint8Array>>, what: string): void {
  assert_not_equals(outcome.state, 'pending', `${what} is still pending ${scaledMs(STOP_WINDOW_MS)} ms after the failure`);
  if (outcome.state === 'fulfilled') {
    assert_true(outcome.value.done, `${what} ends instead of yielding ${describeValue(outcome.value.value)}`);
  }
}

const both = ['#connect-section', '#opened-attribute', '#closed-attribute'];

export const meta: FileMeta = {
  title: 'a failed connection rejects opened and closed with one SocketError and ends both streams',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: {
    'opened rejects when nothing listens on the IPv4 port': { covers: ['connect.failure-rejects-opened', 'opened.rejects-on-failure'], anchors: both },
    'opened rejects when nothing listens on the IPv6 port': { covers: ['connect.failure-rejects-opened', 'opened.rejects-on-failure'], anchors: both },
    'closed rejects when nothing listens on the IPv4 port': { covers: ['connect.failure-rejects-closed', 'closed.rejects-on-failure'], anchors: both },
    'closed rejects when nothing listens on the IPv6 port': { covers: ['connect.failure-rejects-closed', 'closed.rejects-on-failure'], anchors: both },
    'opened and closed reject with the same error object': { covers: ['connect.failure-same-error'] },
    'a refused connection rejects with a SocketError': {
      covers: ['connect.failure-socketerror'], anchors: ['#connect-section', '#socket-error'],
    },
    'a read pending when the connection fails ends or rejects without data': { covers: ['connect.failure-cancels-readable'] },
    'a read after the connection failed ends or rejects without data': { covers: ['connect.failure-cancels-readable'] },
    'a write after the connection failed rejects': { covers: ['connect.failure-aborts-writable'] },
    'after a failed connection the writable reports the error that rejected opened': { covers: ['connect.failure-writable-carries-error'] },
    'what a read after a failed connection reports, beside the error that rejected opened': {
      covers: ['connect.failure-readable-carries-error'], level: 'informational',
    },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  const refused = fixtures.services.refused.ipv4;

  for (const family of FAMILIES) {
    const label = familyLabel(family);
    promise_test(async (t) => {
      const endpoint = await addressOf(connect, fixtures, 'refused', family);
      const socket = closeAtEnd(t, connect(endpoint));
      await rejectionOf(socket.opened, 'opened for a refused connection');
    }, `opened rejects when nothing listens on the ${label} port`);

    promise_test(async (t) => {
      const endpoint = await addressOf(connect, fixtures, 'refused', family);
      const socket = closeAtEnd(t, connect(endpoint));
      await rejectionOf(socket.closed, 'closed for a refused connection');
    }, `closed rejects when nothing listens on the ${label} port`);
  }

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    const [openedError, closedError] = await Promise.all([
      rejectionOf(socket.opened, 'opened for a refused connection'),
      rejectionOf(socket.closed, 'closed for a refused connection'),
    ]);
    assert_true(openedError === closedError,
      `one error object for both: opened got ${describeValue(openedError)}, closed got ${describeValue(closedError)}`);
  }, 'opened and closed reject with the same error object');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    assert_socket_error(await connectionFailure(socket, 'the refused connection'), 'the connection failed with');
  }, 'a refused connection rejects with a SocketError');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    const reader = socket.readable.getReader();
    const read = reader.read();
    await connectionFailure(socket, 'the refused connection');
    assert_read_stops(await settlesWithinBound(read, STOP_WINDOW_MS), 'the pending read');
  }, 'a read pending when the connection fails ends or rejects without data');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    await connectionFailure(socket, 'the refused connection');
    const reader = socket.readable.getReader();
    assert_read_stops(await settlesWithinBound(reader.read(), STOP_WINDOW_MS), 'a read after the failure');
  }, 'a read after the connection failed ends or rejects without data');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    await connectionFailure(socket, 'the refused connection');
    const writer = socket.writable.getWriter();
    await rejectionOf(writer.write(encode('too late')), 'a write after the failure');
  }, 'a write after the connection failed rejects');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    const openedError = await connectionFailure(socket, 'the refused connection');
    const writer = socket.writable.getWriter();
    const writeError = await rejectionOf(writer.write(encode('too late')), 'a write after the failure');
    assert_true(writeError === openedError,
      `the write rejects with the error of opened (${describeValue(openedError)}), got ${describeValue(writeError)}`);
  }, 'after a failed connection the writable reports the error that rejected opened');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(refused));
    const openedError = await connectionFailure(socket, 'the refused connection');
    // Step 7 cancels the readable with the error; a cancelled stream's read reports done, so whether
    // the error shows depends on the implementation erroring the stream instead.
    await observeOutcome(t, async () => {
      const read = await settlesWithinBound(socket.readable.getReader().read(), STOP_WINDOW_MS);
      if (read.state === 'pending') return `a read is still pending ${scaledMs(STOP_WINDOW_MS)} ms after the failure`;
      if (read.state === 'fulfilled') return read.value.done ? 'a read reports done' : `a read yields ${describeValue(read.value.value)}`;
      return read.reason === openedError ? 'a read rejects with the error that rejected opened' : `a read rejects with another error: ${describeValue(read.reason)}`;
    });
  }, 'what a read after a failed connection reports, beside the error that rejected opened');
}
