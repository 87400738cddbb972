// #writable-attribute: writable is a WritableStream whose chunks reach the server, in order; what
// chunk types besides Uint8Array it takes is shown, not judged.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd, parseReport, queryConnection } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { describeValue, observe } from '../lib/observe.ts';

const CHUNKS = ['first;', 'second;', 'third;', 'fourth;'];

interface ChunkKind {
  label: string;
  make: () => unknown;
  /** The bytes a runtime that sends the chunk's bytes puts on the wire. */
  bytes: string;
}

// ASCII letters only, no line feed: the bytes are followed by a line feed that ends the echo line.
const OTHER_KINDS: ChunkKind[] = [
  { label: 'ArrayBuffer', make: () => encode('ab').buffer, bytes: 'ab' },
  { label: 'DataView', make: () => new DataView(encode('cd').buffer), bytes: 'cd' },
  { label: 'Uint16Array', make: () => new Uint16Array(encode('efgh').buffer), bytes: 'efgh' },
  { label: 'Int8Array over part of a buffer', make: () => new Int8Array(encode('--ij--').buffer, 2, 2), bytes: 'ij' },
];

export const meta: FileMeta = {
  title: 'writable sends its chunks to the server, in order',
  anchors: ['#writable-attribute'],
  level: 'required',
  subtests: {
    'writable is a WritableStream': { covers: ['writable.is-writable-stream'] },
    'Uint8Array chunks reach the server in order and nothing else does': { covers: ['writable.sends-data'] },
    'whether a string chunk is sent as UTF-8': { covers: ['writable.accepts-strings'], level: 'informational' },
    'whether ArrayBuffer, DataView and other typed-array chunks are sent as their bytes': {
      covers: ['writable.accepts-other-buffer-sources'], level: 'informational',
    },
  },
};

/** Writes `chunk`, then a line feed as a Uint8Array, and reads the echoed line: what the server got
 * for the chunk, or why the write failed. Each call uses its own connection, since a rejected write
 * leaves the writable errored. */
async function echoChunk(t: TestharnessTest, ctx: TestContext, chunk: unknown): Promise<string> {
  const socket = closeAtEnd(t, ctx.connect(ctx.fixtures.services.echo.ipv4));
  const writer = socket.writable.getWriter();
  const reader = ByteReader.of(socket.readable);
  try {
    await writer.write(chunk as Uint8Array);
  } catch (error) {
    return `rejected: ${describeValue(error)}`;
  }
  await writer.write(encode('\n'));
  const line = await reader.readLine();
  return `sent ${JSON.stringify(line)}`;
}

export default function (ctx: TestContext): void {
  const { connect, fixtures } = ctx;

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    assert_true(socket.writable instanceof WritableStream, 'writable is an instance of the global WritableStream');
    await socket.opened;
    assert_true(socket.writable instanceof WritableStream, 'writable is still a WritableStream once opened');
  }, 'writable is a WritableStream');

  promise_test(async (t) => {
    // The report service names the connection, then echoes: the echo shows the order, the server's
    // byte count shows that nothing was added or sent twice.
    const socket = closeAtEnd(t, connect(fixtures.services.report.ipv4));
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    const { id } = parseReport(await reader.readLine());
    for (const chunk of CHUNKS) await writer.write(encode(chunk));
    const expected = CHUNKS.join('');
    const echoed = await reader.readText(encode(expected).byteLength);
    assert_equals(echoed, expected, 'the server received the chunks in the order they were written');
    const report = await queryConnection(connect, fixtures, id);
    assert_equals(report.bytesIn, encode(expected).byteLength, 'the server received exactly the bytes written, no more');
  }, 'Uint8Array chunks reach the server in order and nothing else does');

  promise_test(async (t) => {
    const result = await echoChunk(t, ctx, 'h\u00e9llo');
    // readLine() decodes UTF-8, so only a UTF-8 encoding reads back as the same string.
    observe(t, result === `sent ${JSON.stringify('h\u00e9llo')}` ? 'sent as UTF-8' : result);
  }, 'whether a string chunk is sent as UTF-8');

  promise_test(async (t) => {
    for (const kind of OTHER_KINDS) {
      const result = await echoChunk(t, ctx, kind.make());
      observe(t, `${kind.label}: ${result === `sent ${JSON.stringify(kind.bytes)}` ? 'sent as its bytes' : result}`);
    }
  }, 'whether ArrayBuffer, DataView and other typed-array chunks are sent as their bytes');
}
