// connect() steps 2 and 3: opened and closed are marked as handled, so a failed connection nobody
// awaits is not reported as an unhandled rejection. The harness collects unhandled rejections into
// ctx.unhandledRejections (and keeps them from killing the runtime).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue } from '../lib/observe.ts';
import { delay } from '../lib/timing.ts';

export const meta: FileMeta = {
  title: 'opened and closed are marked as handled: a failure nobody observes is not an unhandled rejection',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: {
    'a rejected opened that nobody observes is not an unhandled rejection': {
      covers: ['connect.opened-marked-handled'],
      anchors: ['#connect-section', '#opened-attribute'],
    },
    'a rejected closed that nobody observes is not an unhandled rejection': { covers: ['connect.closed-marked-handled'] },
  },
};

// Runtimes report unhandled rejections once the microtask queue has drained (Node, Bun) or in the
// task after it (the web's unhandledrejection event: Deno, workerd). Two timer turns after the
// failure is known cover both; 20 ms more leaves room for a runtime that batches its report.
const REPORT_WINDOW_MS = 20;

export default function ({ connect, fixtures, unhandledRejections }: TestContext): void {
  /** Connects to the refused port and waits for the failure, touching only the promise `watch`
   * names, so the other one is left with no handler of ours. */
  async function failUnobserved(t: TestharnessTest, watch: 'opened' | 'closed'): Promise<Socket> {
    const socket = connect(fixtures.services.refused.ipv4);
    // The cleanup attaches a handler to closed, but only after the subtest's checks have run.
    closeAtEnd(t, socket);
    const unwatched = watch === 'opened' ? 'closed' : 'opened';
    assert_true(socket[unwatched] instanceof Promise, `${unwatched} is a promise (otherwise there is nothing to check)`);
    await socket[watch].then(
      () => assert_unreached(`${watch} fulfilled for a refused connection`),
      () => undefined,
    );
    await delay(0);
    await delay(0);
    await delay(REPORT_WINDOW_MS);
    return socket;
  }

  promise_test(async (t) => {
    const before = unhandledRejections.length;
    await failUnobserved(t, 'closed');
    const fresh = unhandledRejections.slice(before);
    assert_equals(fresh.length, 0, `no unhandled rejection after the failure; got ${fresh.map(describeValue).join(', ')}`);
  }, 'a rejected opened that nobody observes is not an unhandled rejection');

  promise_test(async (t) => {
    const before = unhandledRejections.length;
    await failUnobserved(t, 'opened');
    const fresh = unhandledRejections.slice(before);
    assert_equals(fresh.length, 0, `no unhandled rejection after the failure; got ${fresh.map(describeValue).join(', ')}`);
  }, 'a rejected closed that nobody observes is not an unhandled rejection');
}
