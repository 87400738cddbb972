// cloudflare/workerd#2060: close() on a socket whose connection never completed took about 21 s (the
// system's connect timeout), and the attempt kept counting against the connection limit meanwhile.
// The draft: closed is resolved when close() is called, and a pending opened is rejected
// (#closed-attribute, #close-method); nothing lets close() wait for the attempt to run out.
// On loopback a TCP connection is answered at once, refused or accepted, so a SYN that is never
// answered cannot be made here. The nearest honest stand-in is a connection that cannot complete
// above TCP: a TLS handshake to tls-stall, which never answers. (A TCP-level check would need a
// blackholed non-loopback address, which this suite must not use.)
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeSettlement, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'close() on a socket that never finished connecting settles at once (workerd#2060)',
  anchors: ['#close-method', '#closed-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.closeTakes21s],
  subtests: {
    'close() during a TLS handshake that never completes resolves closed promptly': { covers: ['closed.resolves-on-close'] },
    'close() during a TLS handshake that never completes rejects opened promptly': { covers: ['close.rejects-pending-opened-without-reason'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-stall'].ipv4, { secureTransport: 'on' }));
    socket.close()?.catch?.(() => {});
    const settled = await settleWithin(socket.closed, 'closed after close() during a stalled handshake');
    assert_equals(settled.state, 'fulfilled', `closed: ${describeSettlement(settled)}`);
  }, 'close() during a TLS handshake that never completes resolves closed promptly');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-stall'].ipv4, { secureTransport: 'on' }));
    const opened = socket.opened;
    socket.close()?.catch?.(() => {});
    const settled = await settleWithin(opened, 'opened after close() during a stalled handshake');
    assert_equals(settled.state, 'rejected', `opened: ${describeSettlement(settled)}`);
  }, 'close() during a TLS handshake that never completes rejects opened promptly');
}
