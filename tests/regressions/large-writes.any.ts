// brianc/node-postgres#3757: one large write (a statement of about 124 KB) reliably killed the
// connection under pg-cloudflare, while small ones on the same connection went through. The draft:
// chunks written reach the server in order and the bytes the server sends arrive in order
// (#writable-attribute, #readable-attribute); it sets no size limit on a chunk. Checked against the
// echo service at sizes around and far beyond the reported one, over TLS as in the report (its
// connection went through TLS to a pooler), and with many small writes that are not awaited one by
// one (the way a driver pipelines messages).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { concat, toBytes } from '../lib/bytes.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { REPORTS } from './reports.ts';

const SIZES: readonly [string, number][] = [['64 KiB', 64 * 1024], ['128 KiB', 128 * 1024], ['1 MiB', 1024 * 1024], ['16 MiB', 16 * 1024 * 1024]];
const SMALL_WRITES = 2000;
const SMALL_BYTES = 100;

const single = (label: string) => `a single write of ${label} echoes back intact`;
const OVER_TLS = 'a single write of 128 KiB over TLS (secureTransport "on") echoes back intact';
const MANY = `${SMALL_WRITES} writes of ${SMALL_BYTES} bytes, not awaited one by one, echo back intact and in order`;

export const meta: FileMeta = {
  title: 'large single writes and many small ones echo back intact (node-postgres#3757)',
  anchors: ['#writable-attribute', '#readable-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.largeWrite],
  // 16 MiB through an echo and back is the longest step; on a slow machine it takes seconds.
  timeoutMs: 60_000,
  subtests: {
    ...Object.fromEntries(SIZES.map(([label]) => [single(label), { covers: ['writable.sends-data', 'readable.receives-data'] }])),
    [OVER_TLS]: { covers: ['writable.sends-data', 'readable.receives-data'] },
    [MANY]: { covers: ['writable.sends-data', 'readable.receives-data'] },
  },
};

/** Bytes in which a lost, doubled or moved block shows: a xorshift sequence from `seed`, made a
 * 32-bit word at a time (a byte at a time, 16 MiB cost a noticeable part of a run's CPU). */
function pattern(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, length);
}

const digest = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/** Equal bytes, compared by digest (native code; a byte loop over 16 MiB took a third of a second
 * in Node.js), and byte by byte only to name the first difference when there is one. */
async function assert_same_bytes(actual: Uint8Array, expected: Uint8Array, what: string): Promise<void> {
  assert_equals(actual.byteLength, expected.byteLength, `${what}: length`);
  const [a, e] = await Promise.all([digest(actual), digest(expected)]);
  if (a.every((byte, i) => byte === e[i])) return;
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) assert_unreached(`${what}: first difference at byte ${i} of ${expected.byteLength}`);
  }
  assert_unreached(`${what}: the digests differ, the bytes do not`);
}

/** Every chunk until `total` bytes have come, joined once at the end (joining as they come would
 * copy megabytes again for every chunk). */
async function readTotal(stream: ReadableStream<Uint8Array>, total: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  while (received < total) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${received} of ${total} bytes`);
    const bytes = toBytes(value);
    chunks.push(bytes);
    received += bytes.byteLength;
  }
  return concat(chunks);
}

/** Reads the bytes back while the writes go out: the echo applies backpressure, so reading only
 * after writing would deadlock once the buffers fill. */
async function echoed(socket: Socket, chunks: Uint8Array[], awaitEach: boolean): Promise<Uint8Array> {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const reading = readTotal(socket.readable, total);
  // Awaited below, after the writes; a failure meanwhile must not count as unhandled.
  reading.catch(() => {});
  const writer = socket.writable.getWriter();
  const writes = chunks.map((chunk) => writer.write(chunk));
  if (awaitEach) for (const w of writes) await w;
  else await Promise.all(writes);
  return reading;
}

export default function ({ connect, fixtures }: TestContext): void {
  for (const [label, size] of SIZES) {
    promise_test(async (t) => {
      const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
      const sent = pattern(size, size);
      await assert_same_bytes(await echoed(socket, [sent], true), sent, `the echo of one ${label} write`);
    }, single(label));
  }

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services['tls-echo'].ipv4, { secureTransport: 'on' }));
    const sent = pattern(128 * 1024, 7);
    await assert_same_bytes(await echoed(socket, [sent], true), sent, 'the echo of one 128 KiB write over TLS');
  }, OVER_TLS);

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const chunks = Array.from({ length: SMALL_WRITES }, (_, i) => pattern(SMALL_BYTES, i + 1));
    const expected = new Uint8Array(SMALL_WRITES * SMALL_BYTES);
    chunks.forEach((c, i) => expected.set(c, i * SMALL_BYTES));
    await assert_same_bytes(await echoed(socket, chunks, false), expected, `the echo of ${SMALL_WRITES} small writes`);
  }, MANY);
}
