// Tentative, from issue #34 of the proposal (https://github.com/WinterTC55/proposal-sockets-api/issues/34):
// an AbortSignal `signal` option for connect() that closes the socket when it is aborted.
// Not in the draft: reported, never judged, never counted (web-platform-tests' `.tentative` files).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, readReport, waitClosedBound } from '../lib/fixture.ts';
import { scaledMs } from '../lib/timing.ts';
import { ByteReader } from '../lib/io.ts';
import type { SocketOptions } from '../lib/sockets-api.ts';
import { rejectsWithin } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'Tentative (issue #34): an AbortSignal option closes the socket',
  anchors: ['#connect-section'],
  level: 'tentative',
  // An implementation without the option spends CLOSE_WAIT_MS on the second subtest; room for it on
  // a busy machine, so that the subtest gets its own verdict rather than a file timeout.
  timeoutMs: 10_000,
  subtests: {
    'connect() with an already aborted signal gives a socket whose opened rejects (issue #34)': { covers: ['proposal.connect-signal'] },
    'aborting the signal of an open socket closes its connection (issue #34)': { covers: ['proposal.connect-signal'] },
  },
};

// A conforming client closes at once on abort; the bound caps the wait for one that never does.
const CLOSE_WAIT_MS = 2000;

const withSignal = (signal: AbortSignal): SocketOptions => ({ signal } as unknown as SocketOptions);

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4, withSignal(AbortSignal.abort())));
    await rejectsWithin(socket.opened, 'opened of a socket whose signal was already aborted');
  }, 'connect() with an already aborted signal gives a socket whose opened rejects (issue #34)');

  promise_test(async (t) => {
    const controller = new AbortController();
    const socket = closeAtEnd(t, connect(fixtures.services.report.ipv4, withSignal(controller.signal)));
    const { id } = await readReport(ByteReader.of(socket.readable));
    controller.abort();
    const report = await waitClosedBound(connect, fixtures, id, CLOSE_WAIT_MS);
    assert_true(report.closed, `the server saw the connection closed after the abort (it waited ${scaledMs(CLOSE_WAIT_MS)} ms)`);
  }, 'aborting the signal of an open socket closes its connection (issue #34)');
}
