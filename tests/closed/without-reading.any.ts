// #closed-attribute, the open question: does closed resolve when the server closes but readable is
// never read? The draft notes that Cloudflare's implementation waits for the reads and calls the
// point up for discussion, so this file shows what happens and judges nothing.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue, observe } from '../lib/observe.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';

/** Long enough, over loopback, for any reaction to the FIN to finish many times over. */
const WITHOUT_READING_WINDOW_MS = 500;

export const meta: FileMeta = {
  title: 'Whether closed resolves when the server closes and readable is never read',
  anchors: ['#closed-attribute'],
  level: 'informational',
  subtests: {
    'whether closed resolves after the server\'s FIN when readable is never read (allowHalfOpen false)': { covers: ['closed.without-reading'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    // The server sends its FIN right after accepting; nobody takes a reader.
    const socket = closeAtEnd(t, connect(fixtures.services['close-on-accept'].ipv4, { allowHalfOpen: false }));
    try {
      await socket.opened;
    } catch (error) {
      observe(t, `opened rejected, so nothing to observe: ${describeValue(error)}`);
      return;
    }
    if (typeof (socket.closed as { then?: unknown } | undefined)?.then !== 'function') {
      observe(t, `closed is not a promise: ${describeValue(socket.closed)}`);
      return;
    }
    // A control round trip is not enough here: an implementation that reacts to the FIN by closing
    // its side resolves closed only after the server has answered that close, a race between two
    // loopback connections that the round trip loses now and then (seen with the polyfill). The
    // window returns as soon as closed settles; only a closed that stays pending waits it out.
    const state = await settlesWithinBound(socket.closed, WITHOUT_READING_WINDOW_MS);
    if (state.state === 'fulfilled') observe(t, 'closed resolved without any read');
    else if (state.state === 'rejected') observe(t, `closed rejected without any read: ${describeValue(state.reason)}`);
    else observe(t, `closed still pending ${scaledMs(WITHOUT_READING_WINDOW_MS)} ms after the server's FIN: it waits for readable to be read`);
  }, 'whether closed resolves after the server\'s FIN when readable is never read (allowHalfOpen false)');
}
