// cloudflare/workerd PR #572 ("WritableStream is now flushed prior to startTls"): bytes written to the
// original socket just before startTls() could be lost or go out after the handshake had begun. The
// issue names this PR #2350; that number was not found in the trackers read for this suite, #572 is
// the change that describes the fix. The draft: chunks written reach the server in order
// (#writable-attribute), and startTls() keeps the connection and puts TLS on top of it
// (#starttls-method). So every write that fulfilled must have reached the server, in plain text,
// before the handshake, in order, with nothing foreign in between: required. Whether the writes still
// pending at startTls() are sent or rejected, the draft leaves open ("the original writers will no
// longer work"): observed.
// The starttls-pipelined service makes this testable: its plain phase needs no command and no answer,
// so startTls() can follow the writes at once, and it reports after the handshake what it got in plain.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { ByteReader } from '../lib/io.ts';
import { observeOutcome } from '../lib/observe.ts';
import type { Connect, Socket } from '../lib/sockets-api.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { settlesWithinBound, type Settlement } from '../lib/timing.ts';
import { fulfilsWithin, MUST_SETTLE_MS } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'writes made before startTls() reach the server in plain text, before the handshake (workerd PR #572)',
  anchors: ['#starttls-method', '#writable-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.startTlsFlush],
  subtests: {
    'every write that fulfilled before startTls() reached the server in plain text, in order, before the handshake': {
      covers: ['writable.sends-data', 'starttls.connection-kept'],
    },
    'what happens to writes still pending when startTls() is called': { level: 'informational' },
  },
};

const CHUNKS = 16;
const CHUNK_BYTES = 16 * 1024;

/** ASCII lines (never the 0x16 that starts TLS for the service), each chunk distinct. */
function chunk(i: number): Uint8Array {
  const line = `chunk ${String(i).padStart(2, '0')} `.padEnd(63, '.') + '\n';
  return encode(line.repeat(CHUNK_BYTES / 64));
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface Upgrade {
  writes: Settlement<void>[];
  plainCount: number;
  plainSha: string;
  all: Uint8Array;
}

/** Writes every chunk without waiting, calls startTls() at once, and reads the server's PLAIN line. */
async function writeThenUpgrade(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses): Promise<Upgrade> {
  const socket: Socket = closeAtEnd(t, connect(fixtures.services['starttls-pipelined'].ipv4, { secureTransport: 'starttls' }));
  const chunks = Array.from({ length: CHUNKS }, (_, i) => chunk(i));
  const writer = socket.writable.getWriter();
  const pending = chunks.map((c) => writer.write(c));
  pending.forEach((p) => p.catch(() => {}));
  // workerd upgrades only once the original streams are unlocked; releasing keeps the writes queued.
  writer.releaseLock();
  const secure = closeAtEnd(t, socket.startTls());
  const line = await fulfilsWithin(ByteReader.of(secure.readable).readLine(), 'the server\'s PLAIN line over TLS');
  const [word, count, sha] = line.split(' ');
  assert_equals(word, 'PLAIN', `the server's first line over TLS (got ${JSON.stringify(line)})`);
  const writes = await Promise.all(pending.map((p) => settlesWithinBound(p, MUST_SETTLE_MS)));
  const all = new Uint8Array(CHUNKS * CHUNK_BYTES);
  chunks.forEach((c, i) => all.set(c, i * CHUNK_BYTES));
  return { writes, plainCount: Number(count), plainSha: sha!, all };
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const { writes, plainCount, plainSha, all } = await writeThenUpgrade(t, connect, fixtures);
    const acknowledged = writes.findIndex((w) => w.state !== 'fulfilled');
    const fulfilledPrefix = acknowledged < 0 ? CHUNKS : acknowledged;
    const laterFulfilled = writes.slice(fulfilledPrefix).some((w) => w.state === 'fulfilled');
    assert_false(laterFulfilled, `a write fulfilled after an earlier one did not: ${writes.map((w) => w.state).join(', ')}`);
    assert_true(plainCount >= fulfilledPrefix * CHUNK_BYTES,
      `the server got ${plainCount} plain bytes before the handshake, but ${fulfilledPrefix} writes of ${CHUNK_BYTES} bytes fulfilled`);
    assert_true(plainCount <= all.byteLength, `the server got ${plainCount} plain bytes, more than the ${all.byteLength} written`);
    assert_equals(plainSha, await sha256Hex(all.subarray(0, plainCount)), `the ${plainCount} plain bytes are the first ${plainCount} bytes written, in order`);
  }, 'every write that fulfilled before startTls() reached the server in plain text, in order, before the handshake');

  promise_test(async (t) => {
    await observeOutcome(t, async () => {
      const { writes, plainCount } = await writeThenUpgrade(t, connect, fixtures);
      const count = (state: string) => writes.filter((w) => w.state === state).length;
      return `of ${CHUNKS} writes of ${CHUNK_BYTES} bytes pending at startTls(), ${count('fulfilled')} fulfilled, ${count('rejected')} rejected, ${count('pending')} still pending; the server got ${plainCount} bytes in plain text (${(plainCount / CHUNK_BYTES).toFixed(2)} writes' worth)`;
    });
  }, 'what happens to writes still pending when startTls() is called');
}
