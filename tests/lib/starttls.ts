// The plain phase of a STARTTLS conversation with the fixture server's `starttls` service
// (echo-server/README.md): `READY <id>`, plain lines echoed, `STARTTLS` answered by `GO`, then TLS.
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { closeAtEnd, readGreeting } from './fixture.ts';
import { ByteReader, echoRoundTrip, writeText } from './io.ts';
import { fulfilsWithin } from './windows.ts';
import type { Connect, Socket, SocketOptions } from './sockets-api.ts';

export interface PlainPhase {
  socket: Socket;
  reader: ByteReader;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  /** The server's id of this connection, for the control service. */
  id: string;
}

/** The services that speak the STARTTLS line protocol (echo-server/README.md). */
export type StarttlsService = 'starttls' | 'starttls-untrusted' | 'starttls-stall';

/** Connects in `starttls` mode and reads the greeting; the socket is closed when the subtest ends. */
export async function openPlainPhase(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses, options: SocketOptions = {}, service: StarttlsService = 'starttls'): Promise<PlainPhase> {
  const socket = closeAtEnd(t, connect(fixtures.services[service].ipv4, { ...options, secureTransport: 'starttls' }));
  const reader = ByteReader.of(socket.readable);
  const writer = socket.writable.getWriter();
  const id = await readGreeting(reader, 'READY');
  return { socket, reader, writer, id };
}

/** Sends `STARTTLS` and waits for `GO`: from then on the server expects a TLS ClientHello. */
export async function requestUpgrade(phase: PlainPhase): Promise<void> {
  await writeText(phase.writer, 'STARTTLS\r\n');
  const line = await phase.reader.readLine();
  if (line !== 'GO') throw new Error(`expected "GO" after STARTTLS, got ${JSON.stringify(line)}`);
}

/** Lets go of the original socket's reader and writer once the plain phase is over. workerd hands
 * the new socket streams that stay locked while the original ones are held; the draft only says the
 * old readers and writers stop working. Subtests about something else release them first, so that
 * this difference shows in the subtests about the old reader and writer alone. */
export function releaseLocks(phase: PlainPhase): void {
  phase.reader.releaseLock();
  phase.writer.releaseLock();
}

/** The plain phase up to `GO`, then startTls() with the original reader and writer released; both
 * sockets are closed when the subtest ends. */
export async function upgrade(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses, options: SocketOptions = {}, service: StarttlsService = 'starttls'): Promise<PlainPhase & { secure: Socket }> {
  const phase = await openPlainPhase(t, connect, fixtures, options, service);
  await requestUpgrade(phase);
  releaseLocks(phase);
  const secure = closeAtEnd(t, phase.socket.startTls());
  return { ...phase, secure };
}

/** One echo round trip over a TLS socket, bounded: a handshake that never completes (seen with the
 * polyfill in Deno) fails the one subtest instead of stalling the whole file. Takes the socket's
 * reader and writer, so call it once per socket. */
export function tlsRoundTrip(socket: Socket, text: string): Promise<string> {
  return fulfilsWithin(echoRoundTrip(ByteReader.of(socket.readable), socket.writable.getWriter(), text), 'an echo round trip over TLS');
}
