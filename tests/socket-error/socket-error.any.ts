// SocketError: a TypeError whose message should start with "SocketError: ". The draft is firm that
// startTls() misuse fails with a SocketError, so that is the reference source; the errors of refused
// connections and malformed addresses are checked where the implementation makes them SocketErrors.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { isSocketError, outcomeOf, rejectionOf, SOCKET_ERROR_PREFIX, connectionFailure } from '../lib/errors.ts';
import { describeValue, observeOutcome } from '../lib/observe.ts';

export const meta: FileMeta = {
  title: 'SocketError: an instance of TypeError whose message starts with "SocketError: "',
  anchors: ['#socket-error'],
  level: 'required',
  subtests: {
    'the error startTls() throws on a plain socket is an instance of TypeError': {
      covers: ['socketerror.is-typeerror'], anchors: ['#socket-error', '#starttls-method'],
    },
    'the error startTls() throws on a plain socket has a message starting with "SocketError: "': {
      covers: ['socketerror.message-prefix'], level: 'optional', anchors: ['#socket-error', '#starttls-method'],
    },
    'a SocketError from a refused connection has a message starting with "SocketError: "': {
      covers: ['socketerror.message-prefix'], level: 'optional', anchors: ['#socket-error', '#connect-section'],
    },
    'a SocketError thrown for a malformed address has a message starting with "SocketError: "': {
      covers: ['socketerror.message-prefix'], level: 'optional', anchors: ['#socket-error', '#connect-section'],
    },
    'the name a SocketError carries': { covers: ['socketerror.name'], level: 'informational' },
    'what a refused connection rejects with': { covers: ['socketerror.refused-error'], level: 'informational' },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  /** What startTls() throws on a socket made without secureTransport, or null if it throws nothing. */
  async function startTlsError(t: TestharnessTest): Promise<unknown> {
    const socket = closeAtEnd(t, connect(fixtures.services.echo.ipv4));
    const outcome = outcomeOf(() => socket.startTls());
    if (!outcome.threw) {
      closeAtEnd(t, outcome.value);
      assert_unreached('startTls() on a socket with secureTransport "off" returned instead of throwing');
    }
    return outcome.error;
  }

  promise_test(async (t) => {
    const error = await startTlsError(t);
    assert_true(error instanceof TypeError, `it is an instance of TypeError, got ${describeValue(error)}`);
  }, 'the error startTls() throws on a plain socket is an instance of TypeError');

  promise_test(async (t) => {
    const error = await startTlsError(t);
    assert_implements_optional(error instanceof Error, `what startTls() threw has no message: ${describeValue(error)}`);
    assert_true(error.message.startsWith(SOCKET_ERROR_PREFIX), `the message starts with "SocketError: ", got ${JSON.stringify(error.message)}`);
  }, 'the error startTls() throws on a plain socket has a message starting with "SocketError: "');

  promise_test(async (t) => {
    const error = await connectionFailure(closeAtEnd(t, connect(fixtures.services.refused.ipv4)), 'a refused connection');
    assert_implements_optional(isSocketError(error), `the refused connection's error is not a SocketError: ${describeValue(error)}`);
    assert_true(error.message.startsWith(SOCKET_ERROR_PREFIX), `the message starts with "SocketError: ", got ${JSON.stringify(error.message)}`);
  }, 'a SocketError from a refused connection has a message starting with "SocketError: "');

  promise_test(async (t) => {
    const outcome = outcomeOf(() => connect(`${fixtures.services.echo.ipv4.hostname}:not-a-port`));
    if (!outcome.threw) closeAtEnd(t, outcome.value);
    assert_implements_optional(outcome.threw && isSocketError(outcome.error), 'connect() threw no SocketError for the malformed address');
    const error = outcome.error as TypeError;
    assert_true(error.message.startsWith(SOCKET_ERROR_PREFIX), `the message starts with "SocketError: ", got ${JSON.stringify(error.message)}`);
  }, 'a SocketError thrown for a malformed address has a message starting with "SocketError: "');

  promise_test(async (t) => {
    await observeOutcome(t, async () => {
      const error = await startTlsError(t);
      const name = (error as { name?: unknown } | null)?.name;
      const constructorName = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      return `startTls() threw an error named ${describeValue(name)}, made by ${describeValue(constructorName)}`;
    });
  }, 'the name a SocketError carries');

  promise_test(async (t) => {
    await observeOutcome(t, async () => {
      const socket = closeAtEnd(t, connect(fixtures.services.refused.ipv4));
      const via = typeof socket.opened?.then === 'function' ? 'opened' : 'closed (there is no opened)';
      const error = await rejectionOf(via === 'opened' ? socket.opened : socket.closed, 'a refused connection');
      return `${via} rejected with ${describeValue(error)}${error instanceof TypeError ? ' (a TypeError)' : ' (not a TypeError)'}`;
    });
  }, 'what a refused connection rejects with');
}
