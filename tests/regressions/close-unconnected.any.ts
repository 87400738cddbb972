// cloudflare/workerd#2060: close() on a socket whose connection never completed took about 21 s (the
// system's connect timeout), and the attempt kept counting against the connection limit meanwhile.
// The draft: closed is resolved when close() is called, and a pending opened is rejected
// (#closed-attribute, #close-method); nothing lets close() wait for the attempt to run out.
// On loopback a TCP connection is answered at once, refused or accepted, so a SYN that is never
// answered cannot be made here. The nearest honest stand-ins are connections that cannot complete
// above TCP: a TLS handshake to tls-stall, which never answers, and the handshake after startTls()
// to starttls-stall, which answers GO and then nothing (the case of worker-mailer#28's close()).
// (A TCP-level check would need a blackholed non-loopback address, which this suite must not use.)
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader, writeText } from '../lib/io.ts';
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
    'close() on the socket startTls() returned, during a handshake that never completes, resolves its closed promptly': { covers: ['closed.resolves-on-close'] },
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

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['starttls-stall'].ipv4, { secureTransport: 'starttls' }));
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    await readGreeting(reader, 'READY');
    await writeText(writer, 'STARTTLS\r\n');
    assert_equals(await reader.readLine(), 'GO', 'the server agrees to the upgrade');
    reader.releaseLock();
    writer.releaseLock();
    const secure = closeAtEnd(t, socket.startTls());
    secure.close()?.catch?.(() => {});
    const settled = await settleWithin(secure.closed, 'closed of the upgraded socket after close() during a stalled handshake');
    assert_equals(settled.state, 'fulfilled', `closed of the upgraded socket: ${describeSettlement(settled)}`);
  }, 'close() on the socket startTls() returned, during a handshake that never completes, resolves its closed promptly');
}
