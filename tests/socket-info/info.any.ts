// SocketInfo: the dictionary opened resolves with; remoteAddress and localAddress as the fixture
// server saw the connection.
import type { FileMeta, SubtestMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, familyLabel, openedInfo, readReport } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';

const subtests: Record<string, SubtestMeta> = {
  'opened resolves with remoteAddress, localAddress and alpn, each a string or null': {
    covers: ['info.members', 'opened.resolves-socketinfo'], anchors: ['#socketinfo-dictionary', '#opened-attribute'],
  },
  'how remoteAddress writes an IPv6 peer': { covers: ['info.remote-address-ipv6-form'], level: 'informational' },
};
for (const label of ['IPv4', 'IPv6']) {
  subtests[`remoteAddress is a non-null string for an ${label} connection`] = { covers: ['info.remote-address-provided'] };
  subtests[`remoteAddress of an ${label} connection is host:port with the port connected to`] = { covers: ['info.remote-address-host-port'], level: 'optional' };
  subtests[`what localAddress holds for an ${label} connection`] = { covers: ['info.local-address-observed'], level: 'informational' };
  subtests[`localAddress of an ${label} connection is host:port with the port the server saw`] = { covers: ['info.local-address-host-port'], level: 'optional' };
}

export const meta: FileMeta = {
  title: 'SocketInfo: its members, and the remote and local addresses of IPv4 and IPv6 connections',
  anchors: ['#socketinfo-dictionary'],
  level: 'required',
  subtests,
};

/** The part after the last colon of a host:port string, if it is a port number. */
function portOf(address: string): number | null {
  const match = /:(\d{1,5})$/.exec(address);
  return match ? Number(match[1]) : null;
}

/** The part before the port, brackets included. */
function hostOf(address: string): string {
  return address.replace(/:\d{1,5}$/, '');
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const info = await openedInfo(closeAtEnd(t, connect(fixtures.services.echo.ipv4)));
    assert_equals(typeof info, 'object', 'opened resolves with an object');
    assert_not_equals(info, null, 'opened resolves with an object, not null');
    for (const member of ['remoteAddress', 'localAddress', 'alpn'] as const) {
      assert_true(member in info, `the SocketInfo has a ${member} member (null when there is nothing to say)`);
      const value = info[member];
      assert_true(value === null || typeof value === 'string', `${member} is a string or null, got ${describeValue(value)}`);
    }
  }, 'opened resolves with remoteAddress, localAddress and alpn, each a string or null');

  for (const family of FAMILIES) {
    const label = familyLabel(family);
    const endpointFor = () => addressOf(connect, fixtures, 'report', family);
    // Both families listen on the same port.
    const port = fixtures.services.report.ipv4.port;

    promise_test(async (t) => {
      const info = await openedInfo(closeAtEnd(t, connect(await endpointFor())));
      assert_equals(typeof info.remoteAddress, 'string', `remoteAddress is a string, got ${describeValue(info.remoteAddress)}`);
    }, `remoteAddress is a non-null string for an ${label} connection`);

    promise_test(async (t) => {
      const endpoint = await endpointFor();
      const info = await openedInfo(closeAtEnd(t, connect(endpoint)));
      const remote = info.remoteAddress;
      assert_implements_optional(typeof remote === 'string', `remoteAddress is ${describeValue(remote)}, so there is no format to check`);
      assert_equals(portOf(remote), port, `remoteAddress ${JSON.stringify(remote)} ends with the port connected to`);
      assert_not_equals(hostOf(remote), '', `remoteAddress ${JSON.stringify(remote)} names a host before the port`);
    }, `remoteAddress of an ${label} connection is host:port with the port connected to`);

    promise_test(async (t) => {
      const endpoint = await endpointFor();
      await observeOutcome(t, async () => {
        const info = await openedInfo(closeAtEnd(t, connect(endpoint)));
        return `${'localAddress' in info ? `localAddress is ${describeValue(info.localAddress)}` : 'the SocketInfo has no localAddress member'}`;
      });
    }, `what localAddress holds for an ${label} connection`);

    promise_test(async (t) => {
      const endpoint = await endpointFor();
      const socket = closeAtEnd(t, connect(endpoint));
      const info = await openedInfo(socket);
      const local = info.localAddress;
      assert_implements_optional(typeof local === 'string', `localAddress is ${describeValue(local)}, so there is no format to check`);
      const report = await readReport(ByteReader.of(socket.readable));
      assert_equals(portOf(local), report.remotePort, `localAddress ${JSON.stringify(local)} ends with the port the server saw the connection come from`);
      assert_not_equals(hostOf(local), '', `localAddress ${JSON.stringify(local)} names a host before the port`);
    }, `localAddress of an ${label} connection is host:port with the port the server saw`);
  }

  promise_test(async (t) => {
    const endpoint = await addressOf(connect, fixtures, 'echo', 'ipv6');
    await observeOutcome(t, async () => {
      const info = await openedInfo(closeAtEnd(t, connect(endpoint)));
      return `remoteAddress for ${describeValue(endpoint)} is ${describeValue(info.remoteAddress)}`;
    });
  }, 'how remoteAddress writes an IPv6 peer');
}
