// Runner test data: a pass / fail pair that depends on the connect() under test.
import type { FileMeta, TestContext } from '../../tests/lib/test-file.ts';

export const meta: FileMeta = {
  title: 'opened resolves with an object',
  anchors: ['#opened-attribute'],
  level: 'required',
  subtests: {
    'opened resolves with an object': {},
    'a precondition that is not met': { level: 'optional' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = connect(fixtures.services.echo.ipv4);
    t.add_cleanup(() => socket.close());
    const info = await socket.opened;
    assert_equals(typeof info, 'object', 'opened resolves with a SocketInfo object');
    assert_not_equals(info, null, 'SocketInfo is not null');
  }, 'opened resolves with an object');
  promise_test(async () => {
    assert_implements_optional(false, 'this optional feature is absent by construction');
  }, 'a precondition that is not met');
}
