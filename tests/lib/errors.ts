// Checks on errors and rejections. A SocketError is any instance of TypeError: implementations
// subclass it (the polyfill's SocketError), and testharness's promise_rejects_js / assert_throws_js
// demand the exact constructor, which would fail a conforming subclass. So these helpers test
// `instanceof TypeError` and leave the message prefix to the SocketError tests.

import { describeValue } from './observe.ts';
import { scaledMs, settlesWithinBound } from './timing.ts';

export const SOCKET_ERROR_PREFIX = 'SocketError: ';

export function isSocketError(value: unknown): value is TypeError {
  return value instanceof TypeError;
}

export function assert_socket_error(value: unknown, description: string): void {
  assert_true(isSocketError(value), `${description}: expected a SocketError (an instance of TypeError), got ${describeValue(value)}`);
}

/** Fails the subtest unless `value` is a promise (a thenable): awaiting anything else would go
 * through at once and let a missing `opened` or `closed` pass for a resolved one. */
export function assert_thenable(value: unknown, description: string): void {
  const then = (value as { then?: unknown } | null | undefined)?.then;
  assert_equals(typeof then, 'function', `${description} is a promise (got ${describeValue(value)})`);
}

/** The reason `promise` rejects with; fails the subtest if it fulfils instead. */
export async function rejectionOf(promise: Promise<unknown>, description: string): Promise<unknown> {
  assert_thenable(promise, description);
  let fulfilled = false;
  let value: unknown;
  try {
    value = await promise;
    fulfilled = true;
  } catch (reason) {
    return reason;
  }
  if (fulfilled) assert_unreached(`${description}: it fulfilled with ${describeValue(value)}`);
  return undefined;
}

export type Outcome<T> = { threw: true; error: unknown } | { threw: false; value: T };

/** Runs `fn` and says whether it threw, without letting the throw escape. */
export function outcomeOf<T>(fn: () => T): Outcome<T> {
  try {
    return { threw: false, value: fn() };
  } catch (error) {
    return { threw: true, error };
  }
}

/** Waits for a socket to report that it could not connect: through opened, or through closed when
 * the implementation has no opened (tests about addresses judge the address, not opened). */
export async function connectionFailure(socket: { opened?: unknown; closed?: unknown }, description: string): Promise<unknown> {
  const opened = socket.opened as Promise<unknown> | undefined;
  const signal = typeof opened?.then === 'function' ? opened : (socket.closed as Promise<unknown>);
  assert_thenable(signal, `${description}: opened or closed`);
  // A refused port or a failed handshake on loopback is reported within milliseconds; the bound
  // only keeps a connection that never fails (and so never settles closed) from costing the file.
  const first = await settlesWithinBound(signal, FAILURE_WINDOW_MS);
  if (first.state === 'pending') assert_unreached(`${description}: no failure reported within ${scaledMs(FAILURE_WINDOW_MS)} ms`);
  return rejectionOf(signal, description);
}

const FAILURE_WINDOW_MS = 2000;
