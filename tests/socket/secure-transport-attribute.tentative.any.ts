// Tentative, from PR #32 of the proposal (https://github.com/WinterTC55/proposal-sockets-api/pull/32):
// a readonly `secureTransport` attribute on Socket that reflects the connection's transport kind.
// Not in the draft: reported, never judged, never counted (web-platform-tests' `.tentative` files).
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { describeValue } from '../lib/observe.ts';
import { upgrade } from '../lib/starttls.ts';

export const meta: FileMeta = {
  title: 'Tentative (PR #32): the secureTransport attribute of a socket',
  anchors: ['#attributes', '#starttls-method'],
  level: 'tentative',
  subtests: {
    'a socket made with secureTransport "starttls" reports secureTransport "starttls" (PR #32)': { covers: ['proposal.secure-transport-attribute-starttls'] },
    'the socket startTls() returns reports secureTransport "on" (PR #32)': { covers: ['proposal.secure-transport-attribute-upgraded'] },
  },
};

type WithKind = { secureTransport?: unknown };

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connect(fixtures.services.starttls.ipv4, { secureTransport: 'starttls' }));
    const kind = (socket as unknown as WithKind).secureTransport;
    assert_equals(kind, 'starttls', `secureTransport of a starttls socket (got ${describeValue(kind)})`);
  }, 'a socket made with secureTransport "starttls" reports secureTransport "starttls" (PR #32)');

  promise_test(async (t) => {
    const { secure } = await upgrade(t, connect, fixtures);
    const kind = (secure as unknown as WithKind).secureTransport;
    assert_equals(kind, 'on', `secureTransport of the socket startTls() returned (got ${describeValue(kind)})`);
  }, 'the socket startTls() returns reports secureTransport "on" (PR #32)');
}
