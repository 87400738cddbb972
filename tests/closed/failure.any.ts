// #closed-attribute: closed rejects when the connection cannot be established.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd, FAMILIES } from '../lib/fixture.ts';
import { addressOf } from '../lib/address-form.ts';
import { rejectsWithin } from '../lib/windows.ts';

const LABEL = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

export const meta: FileMeta = {
  title: 'closed rejects when the connection cannot be established',
  anchors: ['#closed-attribute'],
  level: 'required',
  subtests: Object.fromEntries(FAMILIES.map((f) => [
    `closed rejects when nobody listens on the ${LABEL[f]} port`, { covers: ['closed.rejects-on-failure'] },
  ])),
};

export default function ({ connect, fixtures }: TestContext): void {
  // The negative twin (closed does not reject on an established connection) is in resolves.any.ts.
  for (const family of FAMILIES) {
    promise_test(async (t) => {
      const refused = await addressOf(connect, fixtures, 'refused', family);
      const socket = closeAtEnd(t, connect(refused));
      await rejectsWithin(socket.closed, `closed for a port nobody listens on (${LABEL[family]})`);
    }, `closed rejects when nobody listens on the ${LABEL[family]} port`);
  }
}
