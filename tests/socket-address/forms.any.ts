// AnySocketAddress: the "host:port" string and the { hostname, port } dictionary, with IPv4 and IPv6
// literals and a host name. Each positive case checks, through the report service, that the server
// saw the connection on the intended port and family; each negative twin points the same form at a
// port nobody listens on, showing the port really comes from the address.
import type { FileMeta, SubtestMeta, TestContext } from '../lib/test-file.ts';
import type { AnySocketAddress } from '../lib/sockets-api.ts';
import type { Endpoint, FixtureAddresses } from '../../records/fixtures.ts';
import { closeAtEnd, hostPort, readReport } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { connectionFailure, outcomeOf } from '../lib/errors.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';

interface Form {
  label: string;
  covers: string;
  level?: 'optional';
  /** The address for a service endpoint, or null when this machine lacks what the form needs. */
  make: (f: FixtureAddresses, service: 'report' | 'refused') => AnySocketAddress | null;
  /** The family the server must see, when the form fixes it. */
  family?: 'IPv4' | 'IPv6';
}

const v4 = (f: FixtureAddresses, s: 'report' | 'refused'): Endpoint => f.services[s].ipv4;
const v6 = (f: FixtureAddresses, s: 'report' | 'refused'): Endpoint | null => f.services[s].ipv6;

const FORMS: Form[] = [
  { label: 'a "127.0.0.1:port" string', covers: 'address.string-ipv4', family: 'IPv4', make: (f, s) => hostPort(v4(f, s)) },
  { label: 'a "localhost:port" string', covers: 'address.string-hostname', make: (f, s) => `localhost:${v4(f, s).port}` },
  {
    label: 'a "[::1]:port" string', covers: 'address.string-ipv6', level: 'optional', family: 'IPv6',
    make: (f, s) => { const e = v6(f, s); return e && hostPort(e); },
  },
  { label: 'a { hostname: "127.0.0.1", port } dictionary', covers: 'address.dictionary-ipv4', family: 'IPv4', make: (f, s) => ({ ...v4(f, s) }) },
  {
    label: 'a { hostname: "::1", port } dictionary', covers: 'address.dictionary-ipv6', level: 'optional', family: 'IPv6',
    make: (f, s) => { const e = v6(f, s); return e && { ...e }; },
  },
  { label: 'a { hostname: "localhost", port } dictionary', covers: 'address.dictionary-hostname', make: (f, s) => ({ hostname: 'localhost', port: v4(f, s).port }) },
];

const subtests: Record<string, SubtestMeta> = {};
for (const form of FORMS) {
  const level = form.level ? { level: form.level } : {};
  subtests[`${form.label} reaches the service on that port`] = { covers: [form.covers], ...level };
  subtests[`${form.label} naming a port nobody listens on fails`] = { covers: [form.covers], ...level };
}
subtests['a "tcp://host:port" URL string'] = { covers: ['address.string-url-form'], level: 'informational' };
subtests['a "host" string without a port'] = { covers: ['address.string-missing-port'], level: 'informational' };

export const meta: FileMeta = {
  title: 'AnySocketAddress: host:port strings and { hostname, port } dictionaries, IPv4, IPv6 and a host name',
  anchors: ['#anysocketaddress-type'],
  level: 'required',
  subtests,
};

// Loopback answers at once; the window only bounds an observation of a socket that never opens.
const OBSERVE_WINDOW_MS = 1000;

export default function ({ connect, fixtures }: TestContext): void {
  for (const form of FORMS) {
    promise_test(async (t) => {
      const address = form.make(fixtures, 'report');
      assert_implements_optional(address, 'this machine has no IPv6 loopback');
      const socket = closeAtEnd(t, connect(address));
      const report = await readReport(ByteReader.of(socket.readable));
      assert_equals(report.localPort, fixtures.services.report.ipv4.port, `the server saw the connection on the port in ${describeValue(address)}`);
      if (form.family) assert_equals(report.family, form.family, `the server saw an ${form.family} connection`);
    }, `${form.label} reaches the service on that port`);

    promise_test(async (t) => {
      const address = form.make(fixtures, 'refused');
      assert_implements_optional(address, 'this machine has no IPv6 loopback');
      const outcome = outcomeOf(() => connect(address));
      // Throwing is not how a refused port should fail, but it is no connection either.
      if (outcome.threw) return;
      await connectionFailure(closeAtEnd(t, outcome.value), `the connection to ${describeValue(address)}`);
    }, `${form.label} naming a port nobody listens on fails`);
  }

  /** What connect() does with an address whose form the draft leaves open. */
  async function describe(t: TestharnessTest, address: string): Promise<string> {
    const outcome = outcomeOf(() => connect(address));
    if (outcome.threw) return `connect(${JSON.stringify(address)}) threw ${describeValue(outcome.error)}`;
    const socket = closeAtEnd(t, outcome.value);
    const report = await settlesWithinBound(readReport(ByteReader.of(socket.readable)), OBSERVE_WINDOW_MS);
    if (report.state === 'fulfilled') return `connect(${JSON.stringify(address)}) reached the report service on port ${report.value.localPort}`;
    if (typeof socket.opened?.then !== 'function') return `connect(${JSON.stringify(address)}) returned a socket that did not connect`;
    const opened = await settlesWithinBound(socket.opened, OBSERVE_WINDOW_MS);
    if (opened.state === 'rejected') return `connect(${JSON.stringify(address)}) returned a socket whose opened rejected with ${describeValue(opened.reason)}`;
    return `connect(${JSON.stringify(address)}) returned a socket whose opened is ${opened.state} after ${scaledMs(OBSERVE_WINDOW_MS)} ms`;
  }

  promise_test(async (t) => {
    await observeOutcome(t, () => describe(t, `tcp://${hostPort(fixtures.services.report.ipv4)}`));
  }, 'a "tcp://host:port" URL string');

  promise_test(async (t) => {
    await observeOutcome(t, () => describe(t, fixtures.services.report.ipv4.hostname));
  }, 'a "host" string without a port');
}
