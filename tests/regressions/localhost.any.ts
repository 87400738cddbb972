// cloudflare/workers-sdk#12910: on a host with IPv6 disabled, Node listened on [::1] while workerd
// resolved localhost to 127.0.0.1 and retried the refused connection in a loop; the older
// workers-sdk#2457 and #3732 are the mirror image (a server on 127.0.0.1 only, a client that tries ::1
// alone). The draft says nothing of name resolution: whether connect() tries every address a name
// resolves to is the implementation's business. So this is observed: for a server that listens on one
// loopback family only, does "localhost" reach it, in the string and the dictionary form? The report
// line the listener sends says which family answered. Where the hosts file maps localhost to
// 127.0.0.1 alone (as on the machines this suite is developed on), the ::1-only listener cannot be
// reached by that name at all; the observation then shows what the runtime did with it.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { Endpoint } from '../../records/fixtures.ts';
import { closeAtEnd, readReport } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue, observe } from '../lib/observe.ts';
import type { AnySocketAddress, Connect } from '../lib/sockets-api.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';
import { MUST_SETTLE_MS } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

const FAMILIES = [['ipv4Only', '127.0.0.1'], ['ipv6Only', '::1']] as const;
const name = (only: string) => `what "localhost" reaches when the server listens on ${only} only`;

export const meta: FileMeta = {
  title: 'what localhost reaches when the server listens on one loopback family only (workers-sdk#12910)',
  anchors: ['#anysocketaddress-type'],
  level: 'informational',
  tier: 'regression',
  upstream: [REPORTS.localhostFamily],
  subtests: Object.fromEntries(FAMILIES.map(([, host]) => [name(host), {}])),
};

async function attempt(t: TestharnessTest, connect: Connect, address: AnySocketAddress): Promise<string> {
  const shown = typeof address === 'string' ? JSON.stringify(address) : `{ hostname: "localhost", port }`;
  let socket;
  try {
    socket = closeAtEnd(t, connect(address));
  } catch (error) {
    return `${shown}: connect() threw ${describeValue(error)}`;
  }
  const line = await settlesWithinBound(readReport(ByteReader.of(socket.readable)), MUST_SETTLE_MS);
  if (line.state === 'fulfilled') return `${shown} reached the ${line.value.family} listener`;
  return `${shown} failed: the read ${line.state === 'rejected' ? `rejected with ${describeValue(line.reason)}` : `was still pending after ${scaledMs(MUST_SETTLE_MS)} ms`}`;
}

export default function ({ connect, fixtures }: TestContext): void {
  for (const [key, host] of FAMILIES) {
    promise_test(async (t) => {
      const endpoint: Endpoint | null | undefined = fixtures.singleFamily?.[key];
      if (!endpoint) {
        observe(t, fixtures.singleFamily ? 'this machine has no IPv6 loopback' : 'the fixture server has no single-family listeners');
        return;
      }
      observe(t, await attempt(t, connect, `localhost:${endpoint.port}`));
      observe(t, await attempt(t, connect, { hostname: 'localhost', port: endpoint.port }));
    }, name(host));
  }
}
