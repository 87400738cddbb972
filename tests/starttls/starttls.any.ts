// #starttls-method: startTls() hands the connection to a new TLS socket, closes the original socket
// without closing the connection, and stops the original readers and writers.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { encode } from '../lib/bytes.ts';
import { closeAtEnd, queryConnection } from '../lib/fixture.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import { settledNow } from '../lib/timing.ts';
import { openPlainPhase, releaseLocks, requestUpgrade, tlsRoundTrip, upgrade } from '../lib/starttls.ts';
import { assert_thenable, describeRead, describeSettlement, fulfilsWithin, readOutcome, rejectsWithin } from '../lib/windows.ts';

export const meta: FileMeta = {
  title: 'startTls() upgrades the same connection to TLS on a new socket and retires the original',
  anchors: ['#starttls-method'],
  level: 'required',
  // A runtime whose upgrade stalls (the polyfill in Deno) spends up to MUST_SETTLE_MS in most subtests;
  // room for all of them, so each gets its own verdict rather than NOTRUN after a file timeout.
  timeoutMs: 15_000,
  subtests: {
    'startTls() returns a new socket with its own streams and promises': { covers: ['starttls.returns-new-socket'] },
    'the original socket\'s closed is pending before startTls() and resolves after it': { covers: ['starttls.original-closed'] },
    'the server sees the TLS handshake on the connection that sent STARTTLS': { covers: ['starttls.connection-kept'] },
    'the new socket opens after the handshake and echoes data over TLS': { covers: ['starttls.tls-over-connection'] },
    'after startTls() a write through the original writer rejects': { covers: ['starttls.old-writer-stops'] },
    'after startTls() the original reader yields none of the data the connection carries': { covers: ['starttls.old-reader-stops'] },
    'the sni and alpn given to connect() are used in the handshake startTls() starts': { covers: ['starttls.options-applied'] },
  },
};

export default function ({ connect, fixtures }: TestContext): void {
  promise_test(async (t) => {
    const { socket, secure } = await upgrade(t, connect, fixtures);
    assert_equals(typeof secure, 'object', 'startTls() returns an object');
    assert_not_equals(secure, null, 'startTls() returns an object, not null');
    assert_not_equals(secure, socket, 'the returned socket is not the original');
    assert_true(secure.readable instanceof ReadableStream, 'the new socket has a ReadableStream');
    assert_true(secure.writable instanceof WritableStream, 'the new socket has a WritableStream');
    assert_not_equals(secure.readable, socket.readable, 'the new socket has its own readable');
    assert_not_equals(secure.writable, socket.writable, 'the new socket has its own writable');
    assert_true(secure.opened instanceof Promise, 'the new socket has an opened promise');
    assert_not_equals(secure.opened, socket.opened, 'the new socket has its own opened');
    assert_not_equals(secure.closed, socket.closed, 'the new socket has its own closed');
    assert_equals(typeof secure.close, 'function', 'the new socket has close()');
    await fulfilsWithin(secure.opened, 'opened of the new socket');
  }, 'startTls() returns a new socket with its own streams and promises');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    assert_equals(await echoRoundTrip(phase.reader, phase.writer, 'plain\r\n'), 'plain\r\n', 'the plain phase echoes');
    assert_thenable(phase.socket.closed, 'closed');
    const before = await settledNow(phase.socket.closed);
    assert_equals(before.state, 'pending', `closed is pending before startTls() (${describeSettlement(before)})`);
    await requestUpgrade(phase);
    releaseLocks(phase);
    closeAtEnd(t, phase.socket.startTls());
    await fulfilsWithin(phase.socket.closed, 'the original socket\'s closed after startTls()');
  }, 'the original socket\'s closed is pending before startTls() and resolves after it');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    await requestUpgrade(phase);
    const before = await queryConnection(connect, fixtures, phase.id);
    assert_false(before.tls, 'no handshake on the connection before startTls()');
    releaseLocks(phase);
    const secure = closeAtEnd(t, phase.socket.startTls());
    // A TLS echo round trip, not opened, shows the handshake is over: opened has its own subtest.
    assert_equals(await tlsRoundTrip(secure, 'tls\n'), 'tls\n', 'the new socket echoes');
    const after = await queryConnection(connect, fixtures, phase.id);
    assert_true(after.tls, `the connection ${phase.id}, which sent STARTTLS, completed a TLS handshake`);
    assert_false(after.closed, 'that connection is still open');
  }, 'the server sees the TLS handshake on the connection that sent STARTTLS');

  promise_test(async (t) => {
    const { secure, id } = await upgrade(t, connect, fixtures);
    await fulfilsWithin(secure.opened, 'opened of the new socket');
    const reader = ByteReader.of(secure.readable);
    const writer = secure.writable.getWriter();
    assert_equals(await fulfilsWithin(echoRoundTrip(reader, writer, 'over tls\n'), 'an echo round trip over TLS'), 'over tls\n', 'the TLS echo returns the bytes');
    const report = await queryConnection(connect, fixtures, id);
    assert_true(report.tls, 'the server decrypted the bytes on a TLS connection');
    assert_not_equals(report.tlsProtocol, null, `the server names the TLS version (${report.tlsProtocol})`);
  }, 'the new socket opens after the handshake and echoes data over TLS');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    await requestUpgrade(phase);
    // The original writer is held across startTls(): it is what this subtest is about.
    phase.reader.releaseLock();
    const { writer } = phase;
    const secure = closeAtEnd(t, phase.socket.startTls());
    await rejectsWithin(writer.write(encode('plain after upgrade\n')), 'a write through the original writer after startTls()');
    // The connection itself is unharmed, and the refused bytes never reached it in the clear.
    assert_equals(await tlsRoundTrip(secure, 'tls\n'), 'tls\n', 'the new socket echoes');
  }, 'after startTls() a write through the original writer rejects');

  promise_test(async (t) => {
    const phase = await openPlainPhase(t, connect, fixtures);
    await requestUpgrade(phase);
    // A read is waiting on the original socket when the connection starts carrying TLS; the
    // original writer, not this subtest's business, is let go.
    phase.writer.releaseLock();
    const oldRead = readOutcome(phase.reader.reader);
    const secure = closeAtEnd(t, phase.socket.startTls());
    const reader = ByteReader.of(secure.readable);
    const writer = secure.writable.getWriter();
    assert_equals(await fulfilsWithin(echoRoundTrip(reader, writer, 'after the upgrade\n'), 'an echo round trip over TLS'), 'after the upgrade\n', 'the TLS echo works');
    const state = await settledNow(oldRead);
    // Ending, rejecting or never answering all leave the original reader without data.
    assert_false(state.state === 'fulfilled' && state.value.kind === 'data',
      `the original reader got no bytes of the upgraded connection (its read: ${state.state === 'fulfilled' ? describeRead(state.value) : state.state})`);
  }, 'after startTls() the original reader yields none of the data the connection carries');

  promise_test(async (t) => {
    const { secure, id } = await upgrade(t, connect, fixtures, { sni: 'fixture.test', alpn: ['fixture/1'] });
    assert_equals(await tlsRoundTrip(secure, 'tls\n'), 'tls\n', 'the new socket echoes');
    const report = await queryConnection(connect, fixtures, id);
    assert_equals(report.sni, 'fixture.test', 'the server received the sni given to connect()');
    assert_array_equals(report.alpnOffered ?? [], ['fixture/1'], `the client offered the alpn given to connect() (${describeValue(report.alpnOffered)})`);
  }, 'the sni and alpn given to connect() are used in the handshake startTls() starts');
}
