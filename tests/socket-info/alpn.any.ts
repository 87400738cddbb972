// SocketInfo.alpn: the protocol the server agreed to, or null.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, openedInfo, readReport } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';

export const meta: FileMeta = {
  title: 'SocketInfo.alpn: the agreed protocol, null without TLS or without an offer',
  anchors: ['#socketinfo-dictionary'],
  level: 'required',
  subtests: {
    'alpn is the one protocol offered when the server agrees to it': { covers: ['info.alpn-agreed'] },
    'alpn is the protocol the server picked from several offered': { covers: ['info.alpn-agreed'] },
    'alpn is null on a plain-text connection': { covers: ['info.alpn-null-without-tls'] },
    'alpn is null on a TLS connection that offered no ALPN protocol': { covers: ['info.alpn-null-without-offer'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  const [preferred, other] = fixtures.alpnProtocols;

  promise_test(async (t) => {
    assert_implements_optional(other, 'the fixture server offers a second ALPN protocol');
    const socket = closeAtEnd(t, connect(fixtures.services['tls-report'].ipv4, { secureTransport: 'on', alpn: [other] }));
    const info = await openedInfo(socket);
    const report = await readReport(ByteReader.of(socket.readable));
    assert_equals(report.alpn, other, 'the server agreed to the protocol offered');
    assert_equals(info.alpn, other, 'alpn names it');
  }, 'alpn is the one protocol offered when the server agrees to it');

  promise_test(async (t) => {
    assert_implements_optional(preferred && other, 'the fixture server offers two ALPN protocols');
    // The server picks by its own preference, so the answer differs from the first offered.
    const socket = closeAtEnd(t, connect(fixtures.services['tls-report'].ipv4, { secureTransport: 'on', alpn: ['unknown/0', other, preferred] }));
    const info = await openedInfo(socket);
    const report = await readReport(ByteReader.of(socket.readable));
    assert_equals(report.alpn, preferred, 'the server picked its preferred protocol');
    assert_equals(info.alpn, report.alpn, 'alpn names the protocol the server picked');
  }, 'alpn is the protocol the server picked from several offered');

  promise_test(async (t) => {
    const info = await openedInfo(closeAtEnd(t, connect(fixtures.services.echo.ipv4)));
    assert_true(info.alpn === null, `alpn is null, got ${describeValue(info.alpn)}`);
  }, 'alpn is null on a plain-text connection');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-report'].ipv4, { secureTransport: 'on' }));
    const info = await openedInfo(socket);
    const report = await readReport(ByteReader.of(socket.readable));
    assert_true(report.tls && report.alpn === null, 'the server completed TLS without agreeing to a protocol');
    assert_true(info.alpn === null, `alpn is null, got ${describeValue(info.alpn)}`);
  }, 'alpn is null on a TLS connection that offered no ALPN protocol');
}
