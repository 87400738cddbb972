// #starttls-method: where startTls() must fail with a SocketError, and the call the draft leaves
// open (a second startTls() on the original socket).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { assert_socket_error, outcomeOf } from '../lib/errors.ts';
import { describeValue, observe } from '../lib/observe.ts';
import type { Socket, SocketOptions } from '../lib/sockets-api.ts';
import { tlsRoundTrip, upgrade } from '../lib/starttls.ts';
import { ByteReader } from '../lib/io.ts';

const OFF: { label: string; options: SocketOptions | undefined }[] = [
  { label: 'secureTransport "off"', options: { secureTransport: 'off' } },
  { label: 'no secureTransport option', options: undefined },
];

export const meta: FileMeta = {
  title: 'startTls() throws a SocketError on a TLS socket and outside starttls mode',
  anchors: ['#starttls-method'],
  level: 'required',
  // A runtime whose upgrade stalls (the polyfill in Deno) spends up to MUST_SETTLE_MS in most subtests;
  // room for all of them, so each gets its own verdict rather than NOTRUN after a file timeout.
  timeoutMs: 10_000,
  subtests: {
    'startTls() on a socket with secureTransport "on" throws a SocketError': { covers: ['starttls.throws-on-tls-socket'] },
    'startTls() on the socket startTls() returned throws a SocketError': { covers: ['starttls.throws-on-upgraded-socket'] },
    ...Object.fromEntries(OFF.map(({ label }) => [`startTls() on a socket with ${label} throws a SocketError`, { covers: ['starttls.throws-when-off'] }])),
    'what a second startTls() on the original socket does': { covers: ['starttls.second-call'], level: 'informational' },
  },
};

/** Calls startTls() expecting a SocketError; a socket it returns anyway is closed with the subtest. */
function assertStartTlsThrows(t: TestharnessTest, socket: Socket, description: string): void {
  const outcome = outcomeOf(() => socket.startTls());
  if (!outcome.threw) {
    closeAtEnd(t, outcome.value);
    assert_unreached(`${description}: startTls() returned ${describeValue(outcome.value)} instead of throwing`);
  }
  assert_socket_error((outcome as { error: unknown }).error, description);
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-echo'].ipv4, { secureTransport: 'on' }));
    // An echo round trip, not opened, shows the handshake is over: opened has its own tests.
    assert_equals(await tlsRoundTrip(socket, 'tls\n'), 'tls\n', 'the TLS echo works');
    assertStartTlsThrows(t, socket, 'startTls() on a secureTransport "on" socket');
  }, 'startTls() on a socket with secureTransport "on" throws a SocketError');

  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures);
    assert_equals(await tlsRoundTrip(secure, 'tls\n'), 'tls\n', 'the upgraded socket echoes over TLS');
    assertStartTlsThrows(t, secure, 'startTls() on the upgraded socket');
  }, 'startTls() on the socket startTls() returned throws a SocketError');

  for (const { label, options } of OFF) {
    promise_test(async (t) => {
      // The starttls service would accept an upgrade, so only the socket's mode can refuse it.
      const socket = closeAtEnd(t, connect(fixtures.services.starttls.ipv4, options));
      await readGreeting(ByteReader.of(socket.readable), 'READY');
      assertStartTlsThrows(t, socket, `startTls() with ${label}`);
    }, `startTls() on a socket with ${label} throws a SocketError`);
  }

  promise_test(async (t) => {
    const { socket } = await upgrade(t, connect, fixtures);
    const outcome = outcomeOf(() => socket.startTls());
    if (outcome.threw) {
      observe(t, `the second call threw ${describeValue(outcome.error)}`);
      return;
    }
    closeAtEnd(t, outcome.value);
    observe(t, `the second call returned ${outcome.value === socket ? 'the original socket' : Object.prototype.toString.call(outcome.value)}`);
  }, 'what a second startTls() on the original socket does');
}
