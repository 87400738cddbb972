// SocketOptions.alpn: the protocols offered in the TLS handshake, as the server records them.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readReport } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeTlsOptionWithOff } from '../lib/tls-option-with-off.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import type { SocketOptions } from '../lib/sockets-api.ts';

export const meta: FileMeta = {
  title: 'alpn: the list is offered in the handshake, in order; none is offered by default',
  anchors: ['#socketoptions-dictionary'],
  level: 'required',
  subtests: {
    'the alpn list is offered to the server in the order given': { covers: ['options.alpn-offered'] },
    'the alpn list is offered in the order given, whatever the server prefers': { covers: ['options.alpn-offered'] },
    'without an alpn option no ALPN protocol is offered': { covers: ['options.alpn-default-none'] },
    'alpn given with secureTransport "off"': { covers: ['options.alpn-with-off'], level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  const [preferred, other] = fixtures.alpnProtocols;
  const withOff = (t: TestharnessTest, options: SocketOptions) => describeTlsOptionWithOff(t, connect, fixtures, options);

  async function offered(t: TestharnessTest, options: SocketOptions): Promise<string[] | null> {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-report'].ipv4, { secureTransport: 'on', ...options }));
    // The report comes only after a completed handshake; opened is the business of other files.
    return (await readReport(ByteReader.of(socket.readable))).alpnOffered;
  }

  promise_test(async (t) => {
    assert_implements_optional(preferred && other, 'the fixture server offers two ALPN protocols');
    const list = [preferred, 'unknown/0', other];
    assert_array_equals((await offered(t, { alpn: list })) ?? [], list, 'the server received the list as given');
  }, 'the alpn list is offered to the server in the order given');

  promise_test(async (t) => {
    assert_implements_optional(preferred && other, 'the fixture server offers two ALPN protocols');
    const list = [other, preferred];
    assert_array_equals((await offered(t, { alpn: list })) ?? [], list, 'the server received the list as given');
  }, 'the alpn list is offered in the order given, whatever the server prefers');

  promise_test(async (t) => {
    const list = await offered(t, {});
    assert_true(list === null || list.length === 0, `no ALPN protocol offered, got ${describeValue(list)}`);
  }, 'without an alpn option no ALPN protocol is offered');

  promise_test(async (t) => {
    await observeOutcome(t, () => withOff(t, { secureTransport: 'off', alpn: [preferred ?? 'http/1.1'] }));
}, 'alpn given with secureTransport "off"');
}
