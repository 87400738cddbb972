// #opened-attribute: opened is a promise for a SocketInfo once the connection is established, rejected
// when it fails, and for secure transport settled only once the handshake is over.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, parseReport } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import { settledNow } from '../lib/timing.ts';
import { assert_thenable, describeSettlement, fulfilsWithin, quietWindow, rejectsWithin } from '../lib/windows.ts';

const LABEL = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

export const meta: FileMeta = {
  title: 'opened resolves with a SocketInfo once connected, after the handshake for TLS, and rejects on failure',
  anchors: ['#opened-attribute'],
  level: 'required',
  subtests: {
    'opened is a Promise': { covers: ['opened.is-promise'] },
    'opened resolves with a SocketInfo object when the server accepts': { covers: ['opened.resolves-socketinfo'] },
    ...Object.fromEntries(FAMILIES.map((f) => [`opened rejects when nobody listens on the ${LABEL[f]} port`, { covers: ['opened.rejects-on-failure'] }])),
    'opened does not reject when the server accepts and then closes at once': { covers: ['opened.rejects-on-failure'] },
    'opened of a TLS socket resolves, and the server has completed the handshake on that connection': { covers: ['opened.secure-after-handshake'] },
    'opened of a TLS socket stays pending while the handshake does not complete': { covers: ['opened.secure-after-handshake'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_true(socket.opened instanceof Promise, 'opened is an instance of the global Promise');
    await socket.opened;
  }, 'opened is a Promise');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.report.ipv4));
    const info = await fulfilsWithin(socket.opened, 'opened');
    assert_equals(typeof info, 'object', `opened resolves with an object, got ${describeValue(info)}`);
    assert_not_equals(info, null, 'opened resolves with an object, not null');
    assert_false(Array.isArray(info), 'the SocketInfo is a dictionary, not an array');
    // The server's own account: the connection opened really exists.
    const report = parseReport(await ByteReader.of(socket.readable).readLine());
    assert_equals(report.service, 'report', 'the server saw this connection on the report service');
  }, 'opened resolves with a SocketInfo object when the server accepts');

  for (const family of FAMILIES) {
    promise_test(async (t) => {
      const refused = await addressOf(connect, fixtures, 'refused', family);
      const socket = closeAtEnd(t, connect(refused));
      await rejectsWithin(socket.opened, `opened for a port nobody listens on (${LABEL[family]})`);
    }, `opened rejects when nobody listens on the ${LABEL[family]} port`);
  }

  promise_test(async (t) => {
    // The negative twin of the refused case: the connection is established, so its end is no failure.
    const socket = closeAtEnd(t, connect(fixtures.services['close-on-accept'].ipv4, { allowHalfOpen: true }));
    const info = await fulfilsWithin(socket.opened, 'opened on a connection the server accepted');
    assert_equals(typeof info, 'object', 'opened resolves with a SocketInfo object');
  }, 'opened does not reject when the server accepts and then closes at once');

  promise_test(async (t) => {
    // No ALPN or other option: only the handshake itself is at stake. That opened waits for it is
    // the next subtest's business; this one shows that it does resolve, on a real TLS connection.
    const socket = closeAtEnd(t, connect(fixtures.services['tls-report'].ipv4, { secureTransport: 'on' }));
    const info = await fulfilsWithin(socket.opened, 'opened of a TLS socket');
    assert_equals(typeof info, 'object', `opened resolves with a SocketInfo object, got ${describeValue(info)}`);
    // The tls-report service sends its line only once its side of the handshake is done.
    const report = await fulfilsWithin(ByteReader.of(socket.readable).readLine().then(parseReport), 'the server\'s report after the handshake');
    assert_true(report.tls, 'the server completed a TLS handshake on this connection');
  }, 'opened of a TLS socket resolves, and the server has completed the handshake on that connection');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-stall'].ipv4, { secureTransport: 'on' }));
    assert_thenable(socket.opened, 'opened of the TLS socket');
    // A plain socket to the same service opens once TCP is up; a TLS socket that wrongly settles
    // opened at TCP level does so at that moment. One more round trip through the control service
    // lets any reaction to the accepted connection run (tests/lib/windows.ts).
    const plain = closeAtEnd(t, connect(fixtures.services['tls-stall'].ipv4));
    await fulfilsWithin(plain.opened, 'opened of a plain socket to the same service');
    await quietWindow(connect, fixtures);
    const state = await settledNow(socket.opened);
    assert_equals(state.state, 'pending', `opened is still pending while the server never answers the handshake (${describeSettlement(state)})`);
  }, 'opened of a TLS socket stays pending while the handshake does not complete');
}
