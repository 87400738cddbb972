// #starttls-method and #opened-attribute: the new socket's opened settles with the handshake that
// startTls() starts, and not before. It rejects when the certificate presented after STARTTLS comes
// from a CA the runtime does not trust (`starttls-untrusted`), stays pending while the handshake
// never completes (`starttls-stall`), and resolves with a SocketInfo of the TLS connection.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { queryConnection } from '../lib/fixture.ts';
import { describeValue } from '../lib/observe.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { settledNow, settlesWithin } from '../lib/timing.ts';
import { upgrade } from '../lib/starttls.ts';
import { assert_thenable, describeSettlement, fulfilsWithin, MUST_SETTLE_MS, quietWindow, rejectsWithin } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'the socket startTls() returns opens with its handshake: rejected for an untrusted certificate, pending while it lasts',
  anchors: ['#starttls-method'],
  level: 'required',
  // A runtime whose upgrade stalls spends up to MUST_SETTLE_MS in several subtests.
  timeoutMs: 10_000,
  subtests: {
    'after startTls(), a certificate from an untrusted CA rejects the new socket\'s opened': { covers: ['starttls.verifies-certificate'] },
    'the new socket\'s opened stays pending while the handshake startTls() started does not complete': {
      covers: ['starttls.opened-after-handshake', 'opened.secure-after-handshake'], anchors: ['#starttls-method', '#opened-attribute'],
    },
    'the new socket\'s opened resolves with a SocketInfo whose alpn is the protocol agreed in the upgrade': {
      covers: ['starttls.new-socket-info', 'info.members'], anchors: ['#starttls-method', '#socketinfo-dictionary'],
    },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    // sni "localhost" is covered by the certificate: only its issuer can fail the handshake.
    const { secure, id } = await upgrade(t, connect, fixtures, { sni: 'localhost' }, 'starttls-untrusted');
    // First what matters most: no data may flow over a connection nobody vouches for. A verifying
    // client fails the handshake, so the round trip rejects (or never answers) within the window.
    const trip = await settlesWithin(echoRoundTrip(ByteReader.of(secure.readable), secure.writable.getWriter(), 'secret\n'), MUST_SETTLE_MS);
    assert_not_equals(trip.state, 'fulfilled', 'an echo round trip succeeded over the upgraded connection, whose certificate comes from an untrusted CA');
    await rejectsWithin(secure.opened, 'opened of the socket startTls() returned, facing an untrusted certificate');
    const report = await queryConnection(connect, fixtures, id);
    assert_false(report.tls, 'the server never saw the handshake complete');
  }, 'after startTls(), a certificate from an untrusted CA rejects the new socket\'s opened');

  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures, {}, 'starttls-stall');
    assert_thenable(secure.opened, 'opened of the socket startTls() returned');
    // The connection was up before startTls(), so an opened that wrongly follows the TCP connection
    // settles at once; one round trip through the control service lets any such reaction run
    // (tests/lib/windows.ts). The server never answers the ClientHello.
    await quietWindow(connect, fixtures);
    const state = await settledNow(secure.opened);
    assert_equals(state.state, 'pending', `opened of the new socket while the server never answers its handshake (${describeSettlement(state)})`);
  }, 'the new socket\'s opened stays pending while the handshake startTls() started does not complete');

  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures, { alpn: ['fixture/1'] });
    const info = await fulfilsWithin(secure.opened, 'opened of the socket startTls() returned');
    assert_equals(typeof info, 'object', `opened resolves with an object, got ${describeValue(info)}`);
    assert_not_equals(info, null, 'opened resolves with an object, not null');
    for (const member of ['remoteAddress', 'localAddress', 'alpn'] as const) {
      assert_true(member in info, `the SocketInfo has a ${member} member`);
      const value = info[member];
      assert_true(value === null || typeof value === 'string', `${member} is a string or null, got ${describeValue(value)}`);
    }
    // Before the upgrade no ALPN was negotiated: this value can only come from the new handshake.
    assert_equals(info.alpn, 'fixture/1', 'alpn is the protocol the server agreed to in the upgrade\'s handshake');
  }, 'the new socket\'s opened resolves with a SocketInfo whose alpn is the protocol agreed in the upgrade');
}
