// connect() steps 1 to 5: what the caller holds the moment connect() returns.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { openedInfo, closeAtEnd, FAMILIES } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { connectionFailure } from '../lib/errors.ts';
import { settledNow } from '../lib/timing.ts';

export const meta: FileMeta = {
  title: 'connect() returns a pending socket synchronously, with every attribute in place',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: {
    'connect() returns a socket object directly, not a promise': { covers: ['connect.returns-socket-synchronously'] },
    'readable, writable, opened and closed are in place when connect() returns': {
      covers: ['connect.attributes-initialised', 'readable.is-readable-stream', 'writable.is-writable-stream', 'opened.is-promise', 'closed.is-promise'],
      anchors: ['#connect-section', '#socket-class'],
    },
    'opened is still pending when connect() returns, and resolves afterwards': { covers: ['connect.returns-pending'] },
    'connect() to an IPv4 port nobody listens on does not throw': { covers: ['connect.no-throw-on-unreachable'] },
    'connect() to an IPv6 port nobody listens on does not throw': { covers: ['connect.no-throw-on-unreachable'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_equals(typeof socket, 'object', 'connect() returns an object');
    assert_not_equals(socket, null, 'connect() returns an object, not null');
    assert_not_equals(typeof (socket as unknown as { then?: unknown }).then, 'function', 'the socket is not a thenable');
  }, 'connect() returns a socket object directly, not a promise');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_true(socket.readable instanceof ReadableStream, 'readable is a ReadableStream right away');
    assert_true(socket.writable instanceof WritableStream, 'writable is a WritableStream right away');
    assert_true(socket.opened instanceof Promise, 'opened is a Promise right away');
    assert_true(socket.closed instanceof Promise, 'closed is a Promise right away');
    await openedInfo(socket);
  }, 'readable, writable, opened and closed are in place when connect() returns');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const early = await settledNow(socket.opened);
    assert_equals(early.state, 'pending', 'opened has not settled before any I/O could happen');
    // The other half: the pending socket does go on to connect.
    const info = await openedInfo(socket);
    assert_equals(typeof info, 'object', 'opened then resolves with a SocketInfo');
  }, 'opened is still pending when connect() returns, and resolves afterwards');

  for (const family of FAMILIES) {
    const label = family === 'ipv4' ? 'IPv4' : 'IPv6';
    promise_test(async (t) => {
      const refused = await addressOf(connect, fixtures, 'refused', family);
      let socket;
      try {
        socket = connect(refused);
      } catch (error) {
        assert_unreached(`connect() threw synchronously: ${String(error)}`);
      }
      closeAtEnd(t, socket);
      // The failure must still be reported, through the promises.
      await connectionFailure(socket, 'the connection then fails');
    }, `connect() to an ${label} port nobody listens on does not throw`);
  }
}
