// Shared by the interop tier's files: where the real servers are, bounded waits that turn a hang
// into a failing subtest with a message (so one stuck client costs one subtest, not the file), and
// the mailbox query of the SMTP fixture.

import type { InteropAddresses, PostgresFixture, ReceivedMail } from '../../records/fixtures.ts';
import type { TestContext } from '../lib/test-file.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import { scaledMs, settlesWithinBound } from '../lib/timing.ts';

/** Loopback work that takes milliseconds on a healthy runtime; a client still waiting after this
 * long is stuck (a TLS upgrade that never completes, a close nobody reports). */
export const CLIENT_BOUND_MS = 5_000;

/** The interop fixtures, or a failing subtest that says the runner did not start them. */
export function interopOf(ctx: TestContext): InteropAddresses {
  const interop = ctx.fixtures.interop;
  assert_true(interop !== undefined, 'the runner started no interop fixtures (records/fixtures.ts: interop)');
  return interop!;
}

/** The PostgreSQL fixture; where PostgreSQL is not installed the subtest ends as
 * PRECONDITION_FAILED with the line that says how to install it (never as a pass). */
export function postgresOf(ctx: TestContext): PostgresFixture {
  const interop = interopOf(ctx);
  assert_implements_optional(interop.postgres !== null, interop.postgresUnavailable ?? 'PostgreSQL is not available');
  return interop.postgres!;
}

/** The value of `promise`, failing the subtest if it rejects or is still pending after `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = CLIENT_BOUND_MS): Promise<T> {
  const settled = await settlesWithinBound(promise, ms);
  if (settled.state === 'pending') assert_unreached(`${what}: no answer after ${scaledMs(ms)} ms (the client hangs)`);
  if (settled.state === 'rejected') assert_unreached(`${what}: ${describeError(settled.reason)}`);
  return (settled as { state: 'fulfilled'; value: T }).value;
}

/** The reason `promise` rejects with, failing the subtest if it fulfils or is still pending after `ms`. */
export async function rejectionWithin(promise: Promise<unknown>, what: string, ms = CLIENT_BOUND_MS): Promise<unknown> {
  const settled = await settlesWithinBound(promise, ms);
  if (settled.state === 'pending') assert_unreached(`${what}: neither succeeded nor failed after ${scaledMs(ms)} ms (the client hangs)`);
  if (settled.state === 'fulfilled') assert_unreached(`${what}: succeeded with ${describeValue(settled.value)}, expected an error`);
  return (settled as { state: 'rejected'; reason: unknown }).reason;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return describeValue(error);
}

/** Runs `close` at the end of the subtest without letting a client that cannot close hang the file. */
export function cleanupWithin(t: TestharnessTest, close: () => Promise<unknown> | unknown): void {
  t.add_cleanup(async () => {
    try {
      await settlesWithinBound(Promise.resolve().then(close), 1_000);
    } catch {
      // A client that throws on close has already lost its connection.
    }
  });
}

/** A token for finding this subtest's message in the mailbox. */
export function token(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What the SMTP fixture received with `[token]` in the subject, asked over the runtime's own
 * connect() (the mailbox waits a few seconds for a message still on its way). */
export async function receivedMail(ctx: TestContext, tokenText: string): Promise<ReceivedMail> {
  const socket = ctx.connect(interopOf(ctx).smtp.mailbox);
  try {
    const writer = socket.writable.getWriter();
    await writeText(writer, `${tokenText}\n`);
    const line = await ByteReader.of(socket.readable).readLine();
    const answer = JSON.parse(line) as ReceivedMail | { error: string };
    if ('error' in answer) assert_unreached(`the SMTP fixture: ${answer.error}`);
    return answer as ReceivedMail;
  } finally {
    await settlesWithinBound(socket.close(), 1_000);
  }
}
