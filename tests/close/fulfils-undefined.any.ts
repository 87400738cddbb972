// #closed-attribute and #close-method: the IDL types are Promise<undefined>, so once closed (and the
// promise close() returns) fulfils, its value is undefined and nothing else.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { fulfilsWithin } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'closed and the promise close() returns fulfil with undefined',
  anchors: ['#close-method'],
  level: 'required',
  subtests: {
    'closed fulfils with undefined after close()': { covers: ['closed.fulfils-undefined'], anchors: ['#closed-attribute'] },
    'the promise close() returns fulfils with undefined': { covers: ['close.fulfils-undefined'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  /** A socket whose connection is up, shown by an echo round trip rather than by opened (judged in
   * opened/), with its reader and writer let go. */
  async function connected(t: TestharnessTest): Promise<Socket> {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    await fulfilsWithin(echoRoundTrip(reader, writer, 'up\n'), 'an echo round trip');
    reader.releaseLock();
    writer.releaseLock();
    return socket;
  }

  promise_test(async (t) => {
    const socket = await connected(t);
    const closed = socket.closed;
    Promise.resolve(socket.close()).catch(() => {});
    const value = await fulfilsWithin(closed, 'closed after close()');
    assert_equals(value, undefined, `closed fulfils with undefined (got ${describeValue(value)})`);
  }, 'closed fulfils with undefined after close()');

  promise_test(async (t) => {
    const socket = await connected(t);
    const value = await fulfilsWithin(socket.close(), 'the promise close() returned');
    assert_equals(value, undefined, `close() fulfils with undefined (got ${describeValue(value)})`);
  }, 'the promise close() returns fulfils with undefined');
}
