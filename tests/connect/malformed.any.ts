// connect() may throw a SocketError while creating the socket, e.g. for a badly formed address; a
// malformed address must in any case not give a working socket.
import type { FileMeta, SubtestMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { assert_socket_error, outcomeOf, rejectionOf } from '../lib/errors.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';

/** Malformed string addresses, by label. Ports point at the echo service where there is one, so an
 * implementation that tolerated the mistake would really connect and be caught. */
const CASES: Record<string, (f: FixtureAddresses) => string> = {
  'an empty string': () => '',
  'a port that is not a number': (f) => `${f.services.echo.ipv4.hostname}:echo`,
  'a port above 65535': (f) => `${f.services.echo.ipv4.hostname}:${65536 + f.services.echo.ipv4.port}`,
  'a negative port': (f) => `${f.services.echo.ipv4.hostname}:-${f.services.echo.ipv4.port}`,
  'an empty host name': (f) => `:${f.services.echo.ipv4.port}`,
};

const subtests: Record<string, SubtestMeta> = {};
for (const label of Object.keys(CASES)) {
  subtests[`${label} as the address never gives an open socket`] = { covers: ['connect.malformed-address-fails'] };
  subtests[`what connect() throws for ${label} as the address is a SocketError`] = {
    covers: ['connect.malformed-address-throws-socketerror'], anchors: ['#connect-section', '#socket-error'],
  };
  subtests[`connect() throws synchronously for ${label} as the address`] = { covers: ['connect.malformed-address-throws'], level: 'optional' };
}

export const meta: FileMeta = {
  title: 'a malformed address makes connect() throw a SocketError, or at least never opens',
  anchors: ['#connect-section'],
  level: 'required',
  subtests,
};

export default function ({ connect, fixtures }: TestContext): void {
  for (const [label, make] of Object.entries(CASES)) {
    const address = make(fixtures);

    promise_test(async (t) => {
      const outcome = outcomeOf(() => connect(address));
      if (outcome.threw) return;
      closeAtEnd(t, outcome.value);
      await rejectionOf(outcome.value.opened, `opened for ${JSON.stringify(address)}`);
    }, `${label} as the address never gives an open socket`);

    promise_test(async (t) => {
      const outcome = outcomeOf(() => connect(address));
      if (!outcome.threw) closeAtEnd(t, outcome.value);
      assert_implements_optional(outcome.threw, `connect(${JSON.stringify(address)}) did not throw, so there is no thrown value to check`);
      assert_socket_error(outcome.error, `connect(${JSON.stringify(address)}) threw`);
    }, `what connect() throws for ${label} as the address is a SocketError`);

    promise_test(async (t) => {
      const outcome = outcomeOf(() => connect(address));
      if (!outcome.threw) closeAtEnd(t, outcome.value);
      assert_true(outcome.threw, `connect(${JSON.stringify(address)}) throws`);
    }, `connect() throws synchronously for ${label} as the address`);
  }
}
