// cloudflare/workerd#1305 (and the open question of proposal issue 24): a write to a refused port
// resolved, close() resolved, and the application never learnt that nothing was sent. The draft
// decides the write: a failed connection aborts the writable with the error (#connect-section step 7),
// so a write waiting for that connection rejects. A write that has been refused can only come after
// the failure, and by then closed has rejected (same step): close() cannot turn that back. What close()
// itself returns then is the open question, observed in close/after-settled.any.ts.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeSettlement, rejectsWithin, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'a refused connection surfaces through the write and closed, whatever close() does (workerd#1305)',
  anchors: ['#connect-section', '#closed-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.refusedSilent],
  subtests: {
    'a write made right after connect() to a port nobody listens on rejects': { covers: ['connect.failure-aborts-writable'] },
    'after that write rejected and close() was called, closed is rejected': { covers: ['closed.rejects-on-failure'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    const writer = socket.writable.getWriter();
    await rejectsWithin(writer.write(encode('PING\n')), 'the write to a refused port');
  }, 'a write made right after connect() to a port nobody listens on rejects');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    const writer = socket.writable.getWriter();
    await rejectsWithin(writer.write(encode('PING\n')), 'the write to a refused port');
    socket.close()?.catch?.(() => {});
    const settled = await settleWithin(socket.closed, 'closed after the write and close()');
    assert_equals(settled.state, 'rejected', `closed after a refused write and close(): ${describeSettlement(settled)}`);
  }, 'after that write rejected and close() was called, closed is rejected');
}
