// cloudflare/workerd PR #7313: close() while a pipe into the socket's writable was finishing logged an
// uncaught rejection (`Uncaught (in promise): undefined`) although the application handled everything
// it had been given. The draft: close() aborts the writable (#close-method), so whatever the pipe still
// has queued or in flight on it fails, and the pipe's own promise rejects. That the implementation
// leaves no rejection of its own unhandled along the way follows from the same promise-handling rule
// that marks opened and closed as handled, but the draft words it for those two only: optional.
// The reason the pipe rejects with is the abort reason, undefined for close() with no reason by the
// streams standard; workerd now uses a TypeError. The draft leaves that open: observed.
//
// The PR's exact window (the pipe's close request in flight when close() comes) cannot be hit on
// purpose: a standard pipe issues its close only after its last write has settled. What can be held
// open is a write in flight: the silent service never reads, so a write larger than the kernel's
// buffers stays pending, and the source has already ended behind it.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import type { Connect, Socket } from '../lib/sockets-api.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { describeSettlement, quietWindow, rejectsWithin, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'close() during a pipe into the writable fails the pipe and leaks nothing (workerd PR #7313)',
  anchors: ['#close-method', '#writable-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.closeDuringPipe],
  subtests: {
    'close() while a pipe into the writable has a write in flight makes the pipe reject': { covers: ['close.aborts-writable'] },
    'close() during a pipe into the writable leaves no rejection unhandled': { level: 'optional' },
    'what the pipe rejects with after close() without a reason': { level: 'informational' },
  },
};

/** Far more than loopback's socket buffers hold, so the write cannot finish against a peer that never reads. */
const STUCK_BYTES = 32 * 1024 * 1024;

interface Piping {
  socket: Socket;
  piped: Promise<void>;
}

/** Connects to the silent service and pipes one huge chunk into the writable from a source that ends
 * right after it. Whether the connection is up yet does not matter: a write waits for it either way. */
async function startPipe(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses): Promise<Piping> {
  const socket = closeAtEnd(t, connect(fixtures.services.silent.ipv4));
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(STUCK_BYTES));
      controller.close();
    },
  });
  const piped = source.pipeTo(socket.writable);
  piped.catch(() => {});
  // Lets the pipe take the chunk and hand it to the writable before close() comes.
  await quietWindow(connect, fixtures);
  return { socket, piped };
}

export default function (ctx: TestContext): void {
  const { connect, fixtures } = ctx;
  promise_test(async (t) => {
    const { socket, piped } = await startPipe(t, connect, fixtures);
    socket.close()?.catch?.(() => {});
    await rejectsWithin(piped, 'the pipe into the writable after close()');
  }, 'close() while a pipe into the writable has a write in flight makes the pipe reject');

  promise_test(async (t) => {
    const before = ctx.unhandledRejections.length;
    const { socket, piped } = await startPipe(t, connect, fixtures);
    socket.close()?.catch?.(() => {});
    await settleWithin(piped, 'the pipe into the writable after close()');
    await settleWithin(socket.closed, 'closed after close()');
    // A rejection nobody handles is reported after the microtasks of its turn: one more round trip
    // through the fixture server leaves room for that.
    await quietWindow(connect, fixtures);
    const leaked = ctx.unhandledRejections.slice(before);
    assert_equals(leaked.length, 0, `unhandled rejections after close(): ${leaked.map(describeValue).join(', ')}`);
  }, 'close() during a pipe into the writable leaves no rejection unhandled');

  promise_test(async (t) => {
    await observeOutcome(t, async () => {
      const { socket, piped } = await startPipe(t, connect, fixtures);
      socket.close()?.catch?.(() => {});
      return `the pipe was ${describeSettlement(await settleWithin(piped, 'the pipe after close()'))}`;
    });
  }, 'what the pipe rejects with after close() without a reason');
}
