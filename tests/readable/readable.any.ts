// #readable-attribute: readable is a ReadableStream that delivers what the server sends, in order,
// and ends when the server closes its side.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { concat, decode, encode } from '../lib/bytes.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { describeValue, observe } from '../lib/observe.ts';
import { describeRead, fulfilsWithin, readOutcome } from '../lib/windows.ts';

// Larger than any socket or stream buffer on the way, so the bytes cross many reads and writes.
const LARGE = 256 * 1024;

/** Bytes whose value depends on their position, so a lost, repeated or reordered chunk shows. */
function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : n;
}

const HALF_OPEN = [false, true] as const;

export const meta: FileMeta = {
  title: 'readable delivers the server\'s bytes in order and ends on the server\'s FIN',
  anchors: ['#readable-attribute'],
  level: 'required',
  subtests: {
    'readable is a ReadableStream': { covers: ['readable.is-readable-stream'] },
    'the greeting a server sends unprompted arrives through readable': { covers: ['readable.receives-data'] },
    'a 256 KiB echo arrives through readable complete and in order': { covers: ['readable.receives-data'] },
    'readable yields Uint8Array chunks': { covers: ['readable.chunks-are-bytes'], level: 'optional' },
    ...Object.fromEntries(HALF_OPEN.map((h) => [
      `readable reports done after the last byte when the server sends FIN (allowHalfOpen ${h})`,
      { covers: ['readable.ends-on-fin'] },
    ])),
    'a pending read gets the next bytes, not done, while the server keeps the connection open': { covers: ['readable.ends-on-fin'] },
    'whether readable is a byte stream or a default stream': { covers: ['readable.stream-mode'], level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_true(socket.readable instanceof ReadableStream, 'readable is an instance of the global ReadableStream');
    await socket.opened;
    assert_true(socket.readable instanceof ReadableStream, 'readable is still a ReadableStream once opened');
  }, 'readable is a ReadableStream');

  promise_test(async (t) => {
    // greet-then-fin writes `HELLO <id>` before reading anything: these bytes come from the server alone.
    const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen: true }));
    const reader = ByteReader.of(socket.readable);
    const id = await readGreeting(reader, 'HELLO');
    assert_regexp_match(id, /^c\d+$/, 'the greeting carries the connection id the server assigned');
  }, 'the greeting a server sends unprompted arrives through readable');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const sent = pattern(LARGE);
    const writer = socket.writable.getWriter();
    const reader = ByteReader.of(socket.readable);
    // Read while writing: the echo service stops reading when its replies are not taken.
    const [, received] = await Promise.all([
      (async () => {
        for (let at = 0; at < LARGE; at += 16 * 1024) await writer.write(sent.slice(at, at + 16 * 1024));
      })(),
      reader.readBytes(LARGE),
    ]);
    const at = firstDifference(received, sent);
    assert_equals(at, -1, `the bytes read back equal the bytes sent (first difference at offset ${at})`);
  }, 'a 256 KiB echo arrives through readable complete and in order');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const writer = socket.writable.getWriter();
    const reader = socket.readable.getReader();
    await writer.write(encode('bytes please'));
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < 12) {
      const { value, done } = await reader.read();
      assert_false(done, 'the stream does not end before the echo is back');
      assert_true(value instanceof Uint8Array, `each chunk is a Uint8Array, got ${Object.prototype.toString.call(value)}`);
      chunks.push(value!);
      total += value!.byteLength;
    }
    assert_equals(decode(concat(chunks)), 'bytes please', 'the chunks hold the echoed bytes');
  }, 'readable yields Uint8Array chunks');

  for (const allowHalfOpen of HALF_OPEN) {
    promise_test(async (t) => {
      const socket = closeAtEnd(t, connect(fixtures.services['greet-then-fin'].ipv4, { allowHalfOpen }));
      const reader = ByteReader.of(socket.readable);
      await readGreeting(reader, 'HELLO');
      // The server sent FIN right after the greeting: the next read must end the stream.
      const next = await fulfilsWithin(readOutcome(reader.reader), 'the read after the last byte');
      assert_equals(next.kind, 'done', `the read after the greeting reports done (got ${describeRead(next)})`);
    }, `readable reports done after the last byte when the server sends FIN (allowHalfOpen ${allowHalfOpen})`);
  }

  promise_test(async (t) => {
    // The negative twin: no FIN, so a read that is waiting must be answered by data, never by done.
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const reader = socket.readable.getReader();
    const writer = socket.writable.getWriter();
    await socket.opened;
    const pending = readOutcome(reader);
    await writeText(writer, 'x');
    const outcome = await fulfilsWithin(pending, 'the read waiting for the echo');
    assert_equals(outcome.kind, 'data', `the waiting read gets the echoed byte (got ${describeRead(outcome)})`);
  }, 'a pending read gets the next bytes, not done, while the server keeps the connection open');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    await socket.opened;
    let byob: ReadableStreamBYOBReader;
    try {
      byob = socket.readable.getReader({ mode: 'byob' });
    } catch (error) {
      observe(t, `default stream: getReader({ mode: "byob" }) threw ${describeValue(error)}`);
      return;
    }
    byob.releaseLock();
    observe(t, 'byte stream: a BYOB reader can be taken');
  }, 'whether readable is a byte stream or a default stream');
}
