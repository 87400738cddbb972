// #upgraded-attribute, with the first step of #starttls-method: upgraded is a read-only boolean that
// is false on every socket connect() returns, stays false when the socket opens, and turns true on
// the original socket once startTls() has been called; the socket startTls() returns starts false.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue } from '../lib/observe.ts';
import type { SecureTransportKind } from '../lib/sockets-api.ts';
import { openPlainPhase, releaseLocks, requestUpgrade, upgrade } from '../lib/starttls.ts';
import { fulfilsWithin } from '../lib/windows.ts';

const KINDS: readonly SecureTransportKind[] = ['off', 'on', 'starttls'];
const SERVICE = { off: 'echo', on: 'tls-echo', starttls: 'starttls' } as const;
const both = ['#upgraded-attribute', '#starttls-method'];

export const meta: FileMeta = {
  title: 'upgraded: false on a new socket and after it opens, true on the original socket once startTls() was called',
  anchors: ['#upgraded-attribute'],
  level: 'required',
  subtests: {
    ...Object.fromEntries(KINDS.map((kind) => [`upgraded is false on a new socket with secureTransport "${kind}"`, { covers: ['upgraded.false-initially'] }])),
    'upgraded is still false once a starttls socket has opened': { covers: ['upgraded.false-after-opened'] },
    'upgraded is true on the original socket as soon as startTls() returns': { covers: ['upgraded.true-after-starttls', 'starttls.sets-upgraded'], anchors: both },
    'upgraded is true on the original socket by the time its closed resolves': { covers: ['upgraded.true-after-starttls', 'starttls.sets-upgraded'], anchors: both },
    'upgraded is false on the socket startTls() returns, before and after it opens': { covers: ['upgraded.false-on-new-socket'], anchors: both },
    'upgraded is a boolean, and assigning to it does not change it': { covers: ['upgraded.is-readonly-boolean'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  for (const kind of KINDS) {
    promise_test(async (t) => {
      const socket = closeAtEnd(t, connect(fixtures.services[SERVICE[kind]].ipv4, { secureTransport: kind }));
      assert_equals(socket.upgraded, false, `upgraded of a socket connect() just returned (got ${describeValue(socket.upgraded)})`);
    }, `upgraded is false on a new socket with secureTransport "${kind}"`);
  }

  promise_test(async (t) => {
    // The greeting shows the connection is up whether or not the implementation has an opened;
    // where it has one, that is waited for too (opened itself is judged in opened/).
    const { socket } = await openPlainPhase(t, connect, fixtures);
    if (typeof socket.opened?.then === 'function') await fulfilsWithin(socket.opened, 'opened of the starttls socket');
    assert_equals(socket.upgraded, false, `upgraded once opened resolved, startTls() not called (got ${describeValue(socket.upgraded)})`);
  }, 'upgraded is still false once a starttls socket has opened');

  promise_test(async (t) => {
    const { socket } = await upgrade(t, connect, fixtures);
    // Synchronously after the call: the draft makes this the first thing startTls() does.
    assert_equals(socket.upgraded, true, `upgraded of the original socket right after startTls() (got ${describeValue(socket.upgraded)})`);
  }, 'upgraded is true on the original socket as soon as startTls() returns');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    await requestUpgrade(phase);
    releaseLocks(phase);
    // Read in the very reaction to closed, so nothing that happens later can set it first.
    const atClose = phase.socket.closed.then(() => phase.socket.upgraded);
    closeAtEnd(t, phase.socket.startTls());
    const seen = await fulfilsWithin(atClose, 'the original socket\'s closed after startTls()');
    assert_equals(seen, true, `upgraded when the original socket's closed resolved (got ${describeValue(seen)})`);
  }, 'upgraded is true on the original socket by the time its closed resolves');

  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures);
    assert_equals(secure.upgraded, false, `upgraded of the socket startTls() returned (got ${describeValue(secure.upgraded)})`);
    await fulfilsWithin(secure.opened, 'opened of the new socket');
    assert_equals(secure.upgraded, false, `upgraded of the new socket once it opened (got ${describeValue(secure.upgraded)})`);
  }, 'upgraded is false on the socket startTls() returns, before and after it opens');

  promise_test(async (t) => {
    const { socket } = await upgrade(t, connect, fixtures);
    const fresh = closeAtEnd(t, connect(fixtures.services.starttls.ipv4, { secureTransport: 'starttls' }));
    for (const [label, target, value] of [['a new socket', fresh, false], ['the upgraded original', socket, true]] as const) {
      assert_equals(typeof target.upgraded, 'boolean', `upgraded of ${label} is a boolean (got ${describeValue(target.upgraded)})`);
      // Test files are modules, so strict mode: assigning to a getter-only accessor throws. Throwing
      // is allowed; what counts is that the value stays.
      try {
        (target as { upgraded: boolean }).upgraded = !value;
      } catch {
        // Expected for an accessor without a setter.
      }
      assert_equals(target.upgraded, value, `upgraded of ${label} after assigning ${!value} to it`);
    }
  }, 'upgraded is a boolean, and assigning to it does not change it');
}
