// cloudflare/workerd#6439: closed rejected with an undefined reason, leaving the application nothing
// to log or act on. The general rule the draft gives: when a connection cannot be made, opened and
// closed reject with a new SocketError (#connect-section step 7), an instance of TypeError. Whether it
// is exactly a SocketError is kept optional elsewhere (workerd rejects a refused connection with a
// plain Error), so these subtests ask the weaker thing every implementation agrees to: an Error.
// The one case where the draft itself hands out another value is close() with no reason while opened
// is pending ("rejected with the reason"): that one is only observed.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';
import { assert_thenable, describeSettlement, rejectsWithin, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'opened and closed reject with an Error, never undefined (workerd#6439, #6479)',
  anchors: ['#connect-section', '#closed-attribute', '#opened-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.undefinedReason],
  subtests: {
    'closed rejects with an Error, not undefined, when nobody listens on the port': { covers: ['connect.failure-rejects-closed'] },
    'opened rejects with an Error, not undefined, when nobody listens on the port': { covers: ['connect.failure-rejects-opened'] },
    'closed rejects with an Error, not undefined, when the server hangs up during the TLS handshake': { covers: ['connect.failure-rejects-closed'] },
    'what opened rejects with when close() without a reason comes before it settles': {
      level: 'informational',
    },
  },
};

function assert_error(reason: unknown, what: string): void {
  assert_true(reason instanceof Error, `${what} rejected with ${describeValue(reason)}: expected an Error (a SocketError is a TypeError)`);
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    assert_error(await rejectsWithin(socket.closed, 'closed for a refused port'), 'closed');
  }, 'closed rejects with an Error, not undefined, when nobody listens on the port');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    assert_error(await rejectsWithin(socket.opened, 'opened for a refused port'), 'opened');
  }, 'opened rejects with an Error, not undefined, when nobody listens on the port');

  promise_test(async (t) => {
    // close-on-accept sends its FIN before any byte: the handshake cannot complete.
    const socket = closeAtEnd(t, connect(fixtures.services['close-on-accept'].ipv4, { secureTransport: 'on' }));
    assert_error(await rejectsWithin(socket.closed, 'closed for a handshake the server hung up on'), 'closed');
  }, 'closed rejects with an Error, not undefined, when the server hangs up during the TLS handshake');

  promise_test(async (t) => {
    // tls-stall never answers the ClientHello, so opened is still pending when close() comes.
    const socket = closeAtEnd(t, connect(fixtures.services['tls-stall'].ipv4, { secureTransport: 'on' }));
    await observeOutcome(t, async () => {
      assert_thenable(socket.opened, 'opened');
      socket.close()?.catch?.(() => {});
      const settled = await settleWithin(socket.opened, 'opened after close()');
      return `opened was ${describeSettlement(settled)}`;
    });
  }, 'what opened rejects with when close() without a reason comes before it settles');
}
