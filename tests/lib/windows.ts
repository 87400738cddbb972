// Bounded waits for the socket lifecycle tests (closed, close(), startTls()).
//
// Two kinds of wait, and no other:
// - "this must happen": settleWithin() returns as soon as the promise settles and only gives up, with a
//   failing message, after MUST_SETTLE_MS. On a healthy runtime over loopback the wait is a few
//   milliseconds; the bound only keeps one broken promise from costing the whole file its timeout.
// - "this must not happen": quietWindow() is one full round trip through the fixture server's control
//   service on a fresh connection. Whatever a runtime does in direct reaction to an event it already
//   has (a cancel, a FIN that has arrived) runs within those event-loop turns, so a promise still
//   pending afterwards was not settled by that event directly. A reaction that itself waits for the
//   peer (close our side, then wait for the peer's answer) races the window and may be missed:
//   such a miss can only turn a failure into a pass, never fail a conforming implementation.

import type { FixtureAddresses } from '../../records/fixtures.ts';
import { ByteReader, writeText } from './io.ts';
import type { Connect, Socket } from './sockets-api.ts';
import { scaledMs, settlesWithinBound, type Settlement } from './timing.ts';
import { describeValue } from './observe.ts';

/** Upper bound for a promise that must settle; loopback needs milliseconds. Times the run's scale,
 * in running time of the runtime (tests/lib/timing.ts: settlesWithinBound). */
export const MUST_SETTLE_MS = 1000;

/** How `promise` settled, failing the subtest if it is still pending after MUST_SETTLE_MS. */
export async function settleWithin<T>(promise: Promise<T>, what: string): Promise<Exclude<Settlement<T>, { state: 'pending' }>> {
  assert_thenable(promise, what);
  const settlement = await settlesWithinBound(promise, MUST_SETTLE_MS);
  if (settlement.state === 'pending') assert_unreached(`${what}: still pending after ${scaledMs(MUST_SETTLE_MS)} ms`);
  return settlement as Exclude<Settlement<T>, { state: 'pending' }>;
}

/** Fails the subtest, with a message that says so, when an implementation hands out something that
 * is not a promise where the draft has one (rather than a TypeError from deep inside a helper). */
export function assert_thenable(value: unknown, what: string): asserts value is Promise<unknown> {
  const then = (value as { then?: unknown } | null | undefined)?.then;
  assert_equals(typeof then, 'function', `${what}: expected a promise, got ${describeValue(value)}`);
}

/** Fails the subtest unless `promise` fulfils within MUST_SETTLE_MS; returns its value. */
export async function fulfilsWithin<T>(promise: Promise<T>, what: string): Promise<T> {
  const settlement = await settleWithin(promise, what);
  if (settlement.state === 'rejected') assert_unreached(`${what}: rejected with ${describeValue(settlement.reason)}`);
  return (settlement as { state: 'fulfilled'; value: T }).value;
}

/** Fails the subtest unless `promise` rejects within MUST_SETTLE_MS; returns the reason. */
export async function rejectsWithin(promise: Promise<unknown>, what: string): Promise<unknown> {
  const settlement = await settleWithin(promise, what);
  if (settlement.state === 'fulfilled') assert_unreached(`${what}: fulfilled with ${describeValue(settlement.value)}`);
  return (settlement as { state: 'rejected'; reason: unknown }).reason;
}

/** The smallest honest window for "this must not happen": one request and its answer through the
 * control service on a new connection (see the header). */
export async function quietWindow(connect: Connect, fixtures: FixtureAddresses): Promise<void> {
  const socket = connect(fixtures.services.control.ipv4);
  try {
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    // Any command gets one line back; an unknown id is answered at once.
    const answered = writeText(writer, 'QUERY none\n').then(() => reader.readLine());
    // Bounded, so that an implementation that cannot do a plain round trip fails this subtest
    // instead of stalling the whole file.
    await fulfilsWithin(answered, 'the round trip through the control service that times the window');
  } finally {
    Promise.resolve(socket.close()).catch(() => {});
  }
}

/** Calls close() for its effect, leaving what it returns to the close() tests: a rejection is
 * swallowed, and a close() that returns no promise does not turn into a confusing TypeError here. */
export function startClose(socket: Socket, ...reason: unknown[]): void {
  const returned: unknown = (socket.close as (...args: unknown[]) => unknown)(...reason);
  (returned as { catch?: (f: () => void) => unknown } | undefined)?.catch?.(() => {});
}

/** A settlement in words, for assertion messages. */
export function describeSettlement(settlement: Settlement<unknown>): string {
  if (settlement.state === 'pending') return 'pending';
  if (settlement.state === 'rejected') return `rejected with ${describeValue(settlement.reason)}`;
  return `fulfilled with ${describeValue(settlement.value)}`;
}

/** The result of one read, as a tagged value instead of a promise that may reject. */
export type ReadOutcome =
  | { kind: 'data'; value: unknown }
  | { kind: 'done' }
  | { kind: 'error'; reason: unknown };

export function readOutcome(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadOutcome> {
  return reader.read().then(
    ({ value, done }): ReadOutcome => (done ? { kind: 'done' } : { kind: 'data', value }),
    (reason): ReadOutcome => ({ kind: 'error', reason }),
  );
}

export function describeRead(outcome: ReadOutcome): string {
  if (outcome.kind === 'done') return 'done';
  if (outcome.kind === 'error') return `rejected with ${describeValue(outcome.reason)}`;
  const value = outcome.value;
  return value instanceof Uint8Array ? `${value.byteLength} bytes of data` : `a chunk ${describeValue(value)}`;
}
