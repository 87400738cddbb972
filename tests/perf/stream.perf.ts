// Performance tier: bulk echo throughput and 1-byte round-trip latency through the connect() under
// test, on one connection each to the fixture server's plain echo service.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { Connect, Socket } from '../lib/sockets-api.ts';
import type { Endpoint } from '../../records/fixtures.ts';
import { CHUNK_BYTES, MiB, now, STEP_DEADLINE_MS, WARM_UP, within } from './figures.ts';
import { planOf, reportFigure, reportLatency } from './report.ts';

export const meta: FileMeta = {
  title: 'performance: echo throughput and 1-byte round trips',
  anchors: ['#readable-attribute', '#writable-attribute'],
  level: 'informational',
  tier: 'perf',
  timeoutMs: 30_000,
  subtests: {
    'echo throughput': {},
    '1-byte round trips': {},
  },
};

/** Sends `total` bytes and reads them all back, writing and reading at once; milliseconds taken. */
async function echoBulk(socket: Socket, total: number): Promise<number> {
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const started = now();
  const reading = (async () => {
    let received = 0;
    while (received < total) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the readable ended after ${received} of ${total} bytes`);
      received += value.byteLength;
    }
  })();
  const writes: Promise<void>[] = [];
  for (let sent = 0; sent < total; sent += CHUNK_BYTES) {
    await writer.ready;
    // A fresh buffer per write: an implementation may take ownership of what it is given.
    writes.push(writer.write(new Uint8Array(Math.min(CHUNK_BYTES, total - sent))));
  }
  await Promise.all([reading, ...writes]);
  const elapsed = now() - started;
  writer.releaseLock();
  reader.releaseLock();
  return elapsed;
}

/** `count` round trips of one byte; the time of each in milliseconds. */
async function roundTrips(socket: Socket, count: number): Promise<number[]> {
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = now();
    const written = writer.write(new Uint8Array([i & 0xff]));
    const { value, done } = await within(reader.read(), STEP_DEADLINE_MS, 'a 1-byte round trip');
    if (done || value.byteLength !== 1 || value[0] !== (i & 0xff)) throw new Error(`round trip ${i}: expected the byte back, got ${done ? 'the end of the stream' : `${value.byteLength} byte(s)`}`);
    await written;
    times.push(now() - started);
  }
  writer.releaseLock();
  reader.releaseLock();
  return times;
}

function open(t: TestharnessTest, connect: Connect, endpoint: Endpoint): Socket {
  const socket = connect(endpoint);
  t.add_cleanup(() => {
    Promise.resolve(socket.close()).catch(() => {});
  });
  return socket;
}

export default function (ctx: TestContext): void {
  const plan = planOf(ctx);
  const echo = ctx.fixtures.services.echo.ipv4;

  promise_test(async (t) => {
    await echoBulk(open(t, ctx.connect, echo), WARM_UP.bytes);
    const ms = await echoBulk(open(t, ctx.connect, echo), plan.throughputBytes);
    reportFigure(ctx, 'throughput', plan.throughputBytes / MiB / (ms / 1000), {
      note: `${plan.throughputBytes / MiB} MiB written in ${CHUNK_BYTES / 1024} KiB chunks while reading, first write to last byte back`,
    });
  }, 'echo throughput');

  promise_test(async (t) => {
    const socket = open(t, ctx.connect, echo);
    await roundTrips(socket, WARM_UP.roundTrips);
    const times = await roundTrips(socket, plan.roundTrips);
    reportLatency(ctx, { p50: 'roundTripP50', p99: 'roundTripP99', mean: 'roundTripMean' }, times, 1000);
  }, '1-byte round trips');
}
