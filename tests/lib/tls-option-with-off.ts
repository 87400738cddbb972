// Shared by the alpn and sni files: what an implementation does when a TLS-only option comes with
// secureTransport "off". The draft allows these options only with "on" / "starttls" and says no more.
import type { FixtureAddresses } from '../../records/fixtures.ts';
import type { Connect, SocketOptions } from './sockets-api.ts';
import { closeAtEnd, readReport } from './fixture.ts';
import { ByteReader } from './io.ts';
import { outcomeOf } from './errors.ts';
import { describeValue } from './observe.ts';
import { scaledMs, settlesWithinBound } from './timing.ts';

// Loopback answers at once; the window only bounds an observation of a socket that never opens.
const OBSERVE_WINDOW_MS = 1000;

export async function describeTlsOptionWithOff(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses, options: SocketOptions): Promise<string> {
  const outcome = outcomeOf(() => connect(fixtures.services.report.ipv4, options));
  if (outcome.threw) return `connect() threw ${describeValue(outcome.error)}`;
  const socket = closeAtEnd(t, outcome.value);
  let openedText = 'opened is not a promise';
  if (typeof socket.opened?.then === 'function') {
    const opened = await settlesWithinBound(socket.opened, OBSERVE_WINDOW_MS);
    if (opened.state === 'rejected') return `opened rejected with ${describeValue(opened.reason)}`;
    if (opened.state === 'pending') return `opened still pending after ${scaledMs(OBSERVE_WINDOW_MS)} ms`;
    openedText = `opened gave ${describeValue(opened.value)}`;
  }
  const report = await settlesWithinBound(readReport(ByteReader.of(socket.readable)), OBSERVE_WINDOW_MS);
  if (report.state !== 'fulfilled') return `${openedText}, but the server's report did not arrive`;
  return `the option was ignored: a ${report.value.tls ? 'TLS' : 'plain'} connection was made; ${openedText}`;
}
