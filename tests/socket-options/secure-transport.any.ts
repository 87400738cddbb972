// SocketOptions.secureTransport: "off" (the default) is plain text, "on" is TLS from the start,
// "starttls" is plain text until startTls(); any other value is rejected by the IDL.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, familyLabel, queryConnection, readGreeting, readReport } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { assert_thenable, connectionFailure, isSocketError, outcomeOf } from '../lib/errors.ts';
import { describeValue } from '../lib/observe.ts';
import { settlesWithin } from '../lib/timing.ts';
import type { SocketOptions } from '../lib/sockets-api.ts';

export const meta: FileMeta = {
  title: 'secureTransport: off by default and when asked, TLS with "on", plain until upgraded with "starttls"',
  anchors: ['#socketoptions-dictionary'],
  level: 'required',
  subtests: {
    'without options the connection is plain text, byte for byte': { covers: ['options.secure-transport-default-off'] },
    'with secureTransport "off" the connection is plain text, byte for byte': { covers: ['options.secure-transport-off'] },
    'with secureTransport "on" over IPv4 the server sees a TLS connection and data round-trips': { covers: ['options.secure-transport-on'] },
    'with secureTransport "on" over IPv6 the server sees a TLS connection and data round-trips': { covers: ['options.secure-transport-on'] },
    'with secureTransport "on" against a plain-text server opened rejects': { covers: ['options.secure-transport-on-plain-server-fails'] },
    'with secureTransport "on", a certificate that does not cover the sni given fails the connection': {
      covers: ['options.secure-transport-on-checks-name'], level: 'optional',
    },
    'with secureTransport "starttls" the connection is plain text until startTls()': { covers: ['options.secure-transport-starttls-plain'] },
    'an unknown secureTransport value makes connect() throw a TypeError': { covers: ['options.secure-transport-invalid'] },
    'each of "off", "on" and "starttls" is accepted by connect() without throwing': { covers: ['options.secure-transport-invalid'] },
  },
};

// A TLS client facing the plain echo service gets its own ClientHello echoed back, which no TLS
// stack accepts as a ServerHello: the handshake fails within a round trip or two on loopback. A
// second is far more than that; an implementation that resolved opened would do so at once.
const PLAIN_SERVER_WINDOW_MS = 1000;

export default function ({ connect, fixtures }: TestContext): void {
  const plainCases: [string, SocketOptions | undefined][] = [
    ['without options the connection is plain text, byte for byte', undefined],
    ['with secureTransport "off" the connection is plain text, byte for byte', { secureTransport: 'off' }],
  ];
  for (const [name, options] of plainCases) {
    promise_test(async (t) => {
      const socket = closeAtEnd(t, connect(fixtures.services.report.ipv4, options));
      const reader = ByteReader.of(socket.readable);
      const report = await readReport(reader);
      assert_false(report.tls, 'the server saw no TLS handshake');
      // A TLS stack would have put a ClientHello on the wire before these bytes.
      const text = 'plain bytes\n';
      assert_equals(await echoRoundTrip(reader, socket.writable.getWriter(), text), text, 'the echo is what was written');
      const seen = await queryConnection(connect, fixtures, report.id);
      assert_equals(seen.bytesIn, text.length, 'the server received exactly the bytes written, nothing more');
    }, name);
  }

  for (const family of FAMILIES) {
    const label = familyLabel(family);
    promise_test(async (t) => {
      const endpoint = await addressOf(connect, fixtures, 'tls-report', family);
      const socket = closeAtEnd(t, connect(endpoint, { secureTransport: 'on' }));
      // The report comes only after a completed handshake; opened is the business of other files.
      const reader = ByteReader.of(socket.readable);
      const report = await readReport(reader);
      assert_true(report.tls, 'the server completed a TLS handshake on this connection');
      const text = 'over tls\n';
      assert_equals(await echoRoundTrip(reader, socket.writable.getWriter(), text), text, 'the echo came back through TLS');
    }, `with secureTransport "on" over ${label} the server sees a TLS connection and data round-trips`);
  }

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4, { secureTransport: 'on' }));
    assert_thenable(socket.opened, 'opened');
    // Neither resolving nor hanging will do: a handshake that cannot succeed is a failed connection.
    const outcome = await settlesWithin(socket.opened, PLAIN_SERVER_WINDOW_MS);
    assert_equals(outcome.state, 'rejected', `opened against a server that does not speak TLS (${outcome.state === 'fulfilled' ? `fulfilled with ${describeValue(outcome.value)}` : outcome.state})`);
  }, 'with secureTransport "on" against a plain-text server opened rejects');

  promise_test(async (t) => {
    const name = 'not-in-the-certificate.invalid';
    assert_false(fixtures.certificateNames.includes(name), 'the fixture certificate does not cover the name used');
    const socket = closeAtEnd(t, connect(fixtures.services['tls-echo'].ipv4, { secureTransport: 'on', sni: name }));
    await connectionFailure(socket, `a TLS connection asking for ${name}`);
  }, 'with secureTransport "on", a certificate that does not cover the sni given fails the connection');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.starttls.ipv4, { secureTransport: 'starttls' }));
    const reader = ByteReader.of(socket.readable);
    const id = await readGreeting(reader, 'READY');
    const text = 'still plain\r\n';
    assert_equals(await echoRoundTrip(reader, socket.writable.getWriter(), text), text, 'a plain line is echoed');
    const seen = await queryConnection(connect, fixtures, id);
    assert_false(seen.tls, 'the server saw no TLS handshake before startTls()');
    assert_equals(seen.bytesIn, text.length, 'the server received exactly the plain bytes written');
  }, 'with secureTransport "starttls" the connection is plain text until startTls()');

  promise_test(async (t) => {
    const bogus = { secureTransport: 'tls' } as unknown as SocketOptions;
    const outcome = outcomeOf(() => connect(fixtures.services.echo.ipv4, bogus));
    if (!outcome.threw) closeAtEnd(t, outcome.value);
    assert_true(outcome.threw, 'connect() throws for secureTransport "tls"');
    assert_true(isSocketError(outcome.error), `what it throws is a TypeError, got ${describeValue(outcome.error)}`);
  }, 'an unknown secureTransport value makes connect() throw a TypeError');

  // The negative twin of the previous subtest: the enum's own values must not be refused.
  promise_test(async (t) => {
    for (const secureTransport of ['off', 'on', 'starttls'] as const) {
      const service = secureTransport === 'on' ? 'tls-echo' : 'echo';
      const outcome = outcomeOf(() => connect(fixtures.services[service].ipv4, { secureTransport }));
      if (!outcome.threw) closeAtEnd(t, outcome.value);
      assert_false(outcome.threw, `connect() accepts secureTransport "${secureTransport}"${outcome.threw ? `, but threw ${describeValue(outcome.error)}` : ''}`);
    }
  }, 'each of "off", "on" and "starttls" is accepted by connect() without throwing');
}
