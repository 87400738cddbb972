// SocketOptions.allowHalfOpen: what the writable does after the server's FIN. The greet-then-fin
// service sends one line and its FIN, then records every byte that arrives after it.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { SocketOptions } from '../lib/sockets-api.ts';
import { closeAtEnd, readGreeting, waitClosedBound } from '../lib/fixture.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { decode, fromBase64 } from '../lib/bytes.ts';
import { rejectionOf } from '../lib/errors.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';

export const meta: FileMeta = {
  title: 'allowHalfOpen: false closes the writable on the server\'s FIN, true keeps it writable',
  anchors: ['#socketoptions-dictionary'],
  level: 'required',
  subtests: {
    'with allowHalfOpen true, bytes written after the server\'s FIN reach the server': {
      covers: ['options.allow-half-open-true-keeps-writable'],
    },
    'with allowHalfOpen false, a write after the server\'s FIN fails and nothing more reaches the server': {
      covers: ['options.allow-half-open-false-closes-writable'], anchors: ['#socketoptions-dictionary', '#socket-concept-section'],
    },
    'without allowHalfOpen, a write after the server\'s FIN fails and nothing more reaches the server': {
      covers: ['options.allow-half-open-default-false'],
    },
  },
};

// How long the server waits for the client to finish the connection. A conforming client closes
// at once after reading the FIN (allowHalfOpen false) or after its own writer.close() (true), so
// the answer comes back within a round trip; the bound only caps the cost of a client that never
// closes, which the checks below then report.
const CLOSE_WAIT_MS = 2000;

// The server sends its FIN right after the greeting, so it arrives within a loopback round trip; the
// bound keeps an implementation whose readable never ends from costing the whole file.
const FIN_WINDOW_MS = 1000;

export default function ({ connect, fixtures }: TestContext): void {
  const endpoint = fixtures.services['greet-then-fin'].ipv4;

  /** Connects, reads the greeting and then the end of the stream; returns the connection id. */
  async function readUntilFin(t: TestharnessTest, options: SocketOptions | undefined) {
    const socket = closeAtEnd(t, connect(endpoint, options));
    const reader = ByteReader.of(socket.readable);
    const id = await readGreeting(reader, 'HELLO');
    const rest = await settlesWithinBound(reader.readToEnd(), FIN_WINDOW_MS);
    assert_equals(rest.state, 'fulfilled', `the readable ends after the server's FIN (waited ${scaledMs(FIN_WINDOW_MS)} ms)`);
    if (rest.state === 'fulfilled') assert_equals(rest.value.byteLength, 0, 'nothing follows the greeting before the FIN');
    return { socket, id };
  }

  promise_test(async (t) => {
    const { socket, id } = await readUntilFin(t, { allowHalfOpen: true });
    const writer = socket.writable.getWriter();
    const text = 'written after the FIN\n';
    await writeText(writer, text);
    await writer.close();
    const report = await waitClosedBound(connect, fixtures, id, CLOSE_WAIT_MS);
    assert_equals(decode(fromBase64(report.receivedAfterFin)), text, 'the server received the bytes written after its FIN');
  }, 'with allowHalfOpen true, bytes written after the server\'s FIN reach the server');

  const closingCases: [string, SocketOptions | undefined][] = [
    ['with allowHalfOpen false, a write after the server\'s FIN fails and nothing more reaches the server', { allowHalfOpen: false }],
    ['without allowHalfOpen, a write after the server\'s FIN fails and nothing more reaches the server', undefined],
  ];
  for (const [name, options] of closingCases) {
    promise_test(async (t) => {
      const { socket, id } = await readUntilFin(t, options);
      const writer = socket.writable.getWriter();
      await rejectionOf(writer.write(new TextEncoder().encode('written after the FIN\n')), 'a write after the FIN was read');
      const report = await waitClosedBound(connect, fixtures, id, CLOSE_WAIT_MS);
      assert_true(report.closed, `the client closed the connection after the FIN (the server waited ${scaledMs(CLOSE_WAIT_MS)} ms)`);
      assert_equals(report.receivedAfterFinBytes, 0, 'no byte reached the server after its FIN');
    }, name);
  }
}
