// Tentative, from issue #24 of the proposal (https://github.com/WinterTC55/proposal-sockets-api/issues/24):
// what close() does once closed has rejected. The issue grew from workerd resolving close() (and
// writes) silently on a socket whose connection was refused; this file checks the reading in which
// close() keeps reporting that failure. Not in the draft's text: reported, never judged, never counted.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue } from '../lib/observe.ts';
import { rejectsWithin } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'Tentative (issue #24): close() after closed rejected reports the same failure',
  anchors: ['#close-method'],
  level: 'tentative',
  subtests: {
    'close() after closed rejected rejects with the same error, rather than fulfilling (issue #24)': { covers: ['proposal.close-after-closed-rejected'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
    const failure = await rejectsWithin(socket.closed, 'closed of a refused connection');
    const rejection = await rejectsWithin(socket.close(), 'the promise close() returned after closed rejected');
    assert_equals(rejection, failure, `close() rejects with the error closed rejected with (${describeValue(failure)}), got ${describeValue(rejection)}`);
  }, 'close() after closed rejected rejects with the same error, rather than fulfilling (issue #24)');
}
