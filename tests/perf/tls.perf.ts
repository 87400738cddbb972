// Performance tier: TLS through the connect() under test, a fresh handshake with secureTransport
// "on" and a STARTTLS upgrade with startTls(), each timed to the first byte echoed over TLS.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import type { Socket } from '../lib/sockets-api.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { readGreeting } from '../lib/fixture.ts';
import { now, STEP_DEADLINE_MS, WARM_UP, within } from './figures.ts';
import { planOf, reportLatency } from './report.ts';

export const meta: FileMeta = {
  title: 'performance: TLS handshake and startTls() upgrade',
  anchors: ['#socketoptions-dictionary', '#starttls-method'],
  level: 'informational',
  tier: 'perf',
  timeoutMs: 30_000,
  subtests: {
    'TLS handshake with secureTransport "on"': {},
    'startTls() upgrade': {},
  },
};

/** Writes one byte and waits for it to come back; reader and writer are released afterwards. */
async function echoOneByte(socket: Socket): Promise<void> {
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  const written = writer.write(new Uint8Array([0x2a]));
  // If the read below gives up, the write's fate no longer matters.
  written.catch(() => {});
  const { value, done } = await within(reader.read(), STEP_DEADLINE_MS, 'the first byte echoed over TLS');
  if (done || value.byteLength !== 1) throw new Error('the TLS echo did not send the byte back');
  await written;
  writer.releaseLock();
  reader.releaseLock();
}

/** Awaited after a measured step; after a failed one it is left to run, so a close() that hangs on
 * a broken connection does not add its deadline to the subtest's. */
const close = (socket: Socket) => within(Promise.resolve(socket.close()), STEP_DEADLINE_MS, 'close()').catch(() => {});
const closeLater = (socket: Socket) => void Promise.resolve(socket.close()).catch(() => {});

async function timeEach(count: number, warmUp: number, step: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await step());
  return times;
}

export default function (ctx: TestContext): void {
  const plan = planOf(ctx);

  promise_test(async () => {
    const times = await timeEach(plan.handshakes, WARM_UP.handshakes, async () => {
      const started = now();
      const socket = ctx.connect(ctx.fixtures.services['tls-echo'].ipv4, { secureTransport: 'on' });
      try {
        await echoOneByte(socket);
      } catch (error) {
        closeLater(socket);
        throw error;
      }
      const elapsed = now() - started;
      await close(socket);
      return elapsed;
    });
    reportLatency(ctx, { p50: 'tlsHandshake', mean: 'tlsHandshakeMean' }, times, 1, 'TCP connect, TLS handshake and one echoed byte, a fresh connection each time');
  }, 'TLS handshake with secureTransport "on"');

  promise_test(async () => {
    const times = await timeEach(plan.upgrades, WARM_UP.upgrades, async () => {
      const plain = ctx.connect(ctx.fixtures.services.starttls.ipv4, { secureTransport: 'starttls' });
      let secure: Socket | undefined;
      let elapsed: number;
      try {
        const reader = ByteReader.of(plain.readable);
        const writer = plain.writable.getWriter();
        await within(readGreeting(reader, 'READY'), STEP_DEADLINE_MS, 'the READY greeting');
        await writeText(writer, 'STARTTLS\r\n');
        const go = await within(reader.readLine(), STEP_DEADLINE_MS, 'the GO answer');
        if (go !== 'GO') throw new Error(`expected GO, got ${JSON.stringify(go)}`);
        // Released first: workerd's startTls() fails while the plain writable is locked.
        reader.releaseLock();
        writer.releaseLock();
        const started = now();
        secure = plain.startTls();
        await echoOneByte(secure);
        elapsed = now() - started;
      } catch (error) {
        if (secure) closeLater(secure);
        closeLater(plain);
        throw error;
      }
      await close(secure);
      await close(plain);
      return elapsed;
    });
    reportLatency(ctx, { p50: 'startTls', mean: 'startTlsMean' }, times, 1, 'from the startTls() call to one byte echoed over the upgraded connection (the plain reader and writer released before the call)');
  }, 'startTls() upgrade');
}
