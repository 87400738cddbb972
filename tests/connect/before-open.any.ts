// connect() step 8: the streams can be used at once; data written before the connection is up is
// sent once it is.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES, familyLabel } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { settledNow } from '../lib/timing.ts';

export const meta: FileMeta = {
  title: 'the streams are usable before opened settles',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: {
    'bytes written before an IPv4 socket is open reach the server once it is': { covers: ['connect.streams-usable-before-open'] },
    'bytes written before an IPv6 socket is open reach the server once it is': { covers: ['connect.streams-usable-before-open'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  for (const family of FAMILIES) {
    const label = familyLabel(family);
    promise_test(async (t) => {
      const endpoint = await addressOf(connect, fixtures, 'echo', family);
      const socket = closeAtEnd(t, connect(endpoint));
      const writer = socket.writable.getWriter();
      const reader = ByteReader.of(socket.readable);
      const text = 'written before open\n';
      const written = writeText(writer, text);
      // Nothing can be connected before any I/O, so the write above came before the connection
      // whether or not there is an opened to confirm it; where there is one, confirm it.
      if (typeof socket.opened?.then === 'function') {
        assert_equals((await settledNow(socket.opened)).state, 'pending', 'the write was queued while opened was still pending');
      }
      await written;
      assert_equals(await reader.readText(text.length), text, 'the echo service sent the early bytes back');
    }, `bytes written before an ${label} socket is open reach the server once it is`);
  }
}
