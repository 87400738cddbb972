// The draft lets an implementation refuse some destinations (port 25, private addresses). Nothing
// to judge: this shows what happens for loopback port 25 beside a plain refused port.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { outcomeOf } from '../lib/errors.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';
import type { AnySocketAddress, Connect } from '../lib/sockets-api.ts';

export const meta: FileMeta = {
  title: 'what the implementation does with a destination it may block (loopback port 25)',
  anchors: ['#connect-section'],
  level: 'informational',
  subtests: {
    'connecting to loopback port 25, compared with a refused port': { covers: ['connect.blocked-destination'] },
  },
};

// Loopback answers at once, connected or refused; a second is ample, and "pending" is reported.
const WINDOW_MS = 1000;

async function attempt(t: TestharnessTest, connect: Connect, address: AnySocketAddress): Promise<string> {
  const outcome = outcomeOf(() => connect(address));
  if (outcome.threw) return `connect() threw ${describeValue(outcome.error)}`;
  closeAtEnd(t, outcome.value);
  const opened = await settlesWithinBound(outcome.value.opened, WINDOW_MS);
  if (opened.state === 'fulfilled') return 'opened resolved';
  if (opened.state === 'rejected') return `opened rejected with ${describeValue(opened.reason)}`;
  return `opened still pending after ${scaledMs(WINDOW_MS)} ms`;
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    await observeOutcome(t, async () => `port 25: ${await attempt(t, connect, { hostname: fixtures.services.refused.ipv4.hostname, port: 25 })}`);
    await observeOutcome(t, async () => `refused fixture port: ${await attempt(t, connect, fixtures.services.refused.ipv4)}`);
  }, 'connecting to loopback port 25, compared with a refused port');
}
