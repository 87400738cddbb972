// SocketOptions.sni: the server name sent in the TLS handshake, as the server records it.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, familyLabel, readReport } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { ByteReader } from '../lib/io.ts';
import { describeTlsOptionWithOff } from '../lib/tls-option-with-off.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import type { AnySocketAddress, SocketOptions } from '../lib/sockets-api.ts';

export const meta: FileMeta = {
  title: 'sni: the given name is sent in the handshake',
  anchors: ['#socketoptions-dictionary'],
  level: 'required',
  subtests: {
    'sni "fixture.test" is sent when connecting to the IPv4 literal': { covers: ['options.sni-sent'] },
    'sni "fixture.test" is sent when connecting to the IPv6 literal': { covers: ['options.sni-sent'] },
    'sni "localhost" is sent when connecting to the IPv4 literal': { covers: ['options.sni-sent'] },
    'the server name sent without an sni option': { covers: ['options.sni-default'], level: 'informational' },
    'sni given with secureTransport "off"': { covers: ['options.sni-with-off'], level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  async function sentName(t: TestharnessTest, address: AnySocketAddress, options: SocketOptions): Promise<string | null> {
    const socket = closeAtEnd(t, connect(address, { secureTransport: 'on', ...options }));
    // The report comes only after a completed handshake; opened is the business of other files.
    return (await readReport(ByteReader.of(socket.readable))).sni;
  }

  for (const family of FAMILIES) {
    const label = familyLabel(family);
    promise_test(async (t) => {
      const endpoint = await addressOf(connect, fixtures, 'tls-report', family);
      assert_equals(await sentName(t, endpoint, { sni: 'fixture.test' }), 'fixture.test', 'the server received the sni given');
    }, `sni "fixture.test" is sent when connecting to the ${label} literal`);
  }

  // A second name shows the value comes from the option, not from some fixed default.
  promise_test(async (t) => {
    const endpoint = fixtures.services['tls-report'].ipv4;
    assert_equals(await sentName(t, endpoint, { sni: 'localhost' }), 'localhost', 'the server received the sni given');
  }, 'sni "localhost" is sent when connecting to the IPv4 literal');

  promise_test(async (t) => {
    const { port } = fixtures.services['tls-report'].ipv4;
    for (const hostname of ['localhost', fixtures.services['tls-report'].ipv4.hostname]) {
      await observeOutcome(t, async () => `connecting to ${hostname} sent ${describeValue(await sentName(t, { hostname, port }, {}))}`);
    }
  }, 'the server name sent without an sni option');

  promise_test(async (t) => {
    await observeOutcome(t, () => describeTlsOptionWithOff(t, connect, fixtures, { secureTransport: 'off', sni: 'fixture.test' }));
}, 'sni given with secureTransport "off"');
}
