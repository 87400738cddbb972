// porsager/postgres#1213: with a server certificate the runtime does not trust, the TLS handshake that
// startTls() starts failed, but the driver only saw its own connect timeout: on workerd the failure
// surfaced on the first write to the new socket and never as a rejection the driver waited on.
// The draft: the socket startTls() returns is established once its handshake completes
// (#starttls-method, #opened-attribute), and a connection that fails rejects opened and aborts the
// writable with a SocketError (#connect-section step 7); TLS uses the default CAs
// (#socketoptions-dictionary), so a certificate from an unknown CA fails. That opened rejects, that a
// write fails, and that the error is a SocketError (an instance of TypeError, #socket-error) are all
// the draft's words: required.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd, readGreeting } from '../lib/fixture.ts';
import { ByteReader, writeText } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import type { Connect, Socket } from '../lib/sockets-api.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { rejectsWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'a failed handshake after startTls() rejects the new socket\'s opened promptly (postgres#1213)',
  anchors: ['#starttls-method', '#opened-attribute'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.postgresUntrustedTls],
  subtests: {
    'after startTls() to a certificate from an untrusted CA, the new socket\'s opened rejects promptly': { covers: ['opened.rejects-on-failure'] },
    'that rejection is a TypeError (a SocketError)': { covers: ['connect.failure-socketerror'] },
    'after startTls() to a certificate from an untrusted CA, a write on the new socket rejects promptly': { covers: ['connect.failure-aborts-writable'] },
  },
};

/** The plain phase with starttls-untrusted up to GO, then startTls(); both sockets closed at the end. */
async function upgradeUntrusted(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses): Promise<Socket> {
  const socket = closeAtEnd(t, connect(fixtures.services['starttls-untrusted'].ipv4, { secureTransport: 'starttls' }));
  const reader = ByteReader.of(socket.readable);
  const writer = socket.writable.getWriter();
  await readGreeting(reader, 'READY');
  await writeText(writer, 'STARTTLS\r\n');
  const go = await reader.readLine();
  assert_equals(go, 'GO', 'the server agrees to the upgrade');
  reader.releaseLock();
  writer.releaseLock();
  return closeAtEnd(t, socket.startTls());
}

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const secure = await upgradeUntrusted(t, connect, fixtures);
    await rejectsWithin(secure.opened, 'opened of the upgraded socket');
  }, 'after startTls() to a certificate from an untrusted CA, the new socket\'s opened rejects promptly');

  promise_test(async (t) => {
    const secure = await upgradeUntrusted(t, connect, fixtures);
    const reason = await rejectsWithin(secure.opened, 'opened of the upgraded socket');
    assert_true(reason instanceof TypeError, `opened rejected with ${describeValue(reason)}: expected a TypeError`);
  }, 'that rejection is a TypeError (a SocketError)');

  promise_test(async (t) => {
    const secure = await upgradeUntrusted(t, connect, fixtures);
    const writer = secure.writable.getWriter();
    await rejectsWithin(writer.write(encode('startup message\n')), 'a write on the upgraded socket');
  }, 'after startTls() to a certificate from an untrusted CA, a write on the new socket rejects promptly');
}
