// zou-yu/worker-mailer#28: after an SMTP STARTTLS the mail went out, but close() on the socket that
// startTls() returned never settled, so send() never returned. The draft: that socket is a socket like
// any other (#starttls-method), and closed is resolved when close() is called (#closed-attribute).
// Reproduced with the fixture's starttls service: a plain phase, the upgrade, data both ways, close().
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { waitClosedBound } from '../lib/fixture.ts';
import { tlsRoundTrip, upgrade } from '../lib/starttls.ts';
import { describeSettlement, settleWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'close() settles on the socket startTls() returned (worker-mailer#28)',
  anchors: ['#starttls-method', '#close-method', '#closed-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.mailerCloseHangs],
  subtests: {
    'close() on the socket startTls() returned resolves its closed, after data went both ways': { covers: ['closed.resolves-on-close'] },
    'after close() on the socket startTls() returned, the server sees the connection closed': { covers: ['close.closes-connection'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures);
    assert_equals(await tlsRoundTrip(secure, 'MAIL FROM:<a@fixture.test>\r\n'), 'MAIL FROM:<a@fixture.test>\r\n', 'an echo over TLS');
    secure.close()?.catch?.(() => {});
    const settled = await settleWithin(secure.closed, 'closed of the upgraded socket after close()');
    assert_equals(settled.state, 'fulfilled', `closed of the upgraded socket: ${describeSettlement(settled)}`);
  }, 'close() on the socket startTls() returned resolves its closed, after data went both ways');

  promise_test(async (t) => {
    const { secure, id } = await upgrade(t, connect, fixtures);
    assert_equals(await tlsRoundTrip(secure, 'QUIT\r\n'), 'QUIT\r\n', 'an echo over TLS');
    secure.close()?.catch?.(() => {});
    const report = await waitClosedBound(connect, fixtures, id, 2000);
    assert_true(report.closed, 'the server saw the upgraded connection closed within 2 s of close()');
  }, 'after close() on the socket startTls() returned, the server sees the connection closed');
}
