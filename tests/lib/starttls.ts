// The plain phase of a STARTTLS conversation with the fixture server's `starttls` service
// (echo-server/README.md): `READY <id>`, plain lines echoed, `STARTTLS` answered by `GO`, then TLS.
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { closeAtEnd, readGreeting } from './fixture.ts';
import { ByteReader, writeText } from './io.ts';
import type { Connect, Socket, SocketOptions } from './sockets-api.ts';

export interface PlainPhase {
  socket: Socket;
  reader: ByteReader;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  /** The server's id of this connection, for the control service. */
  id: string;
}

/** Connects in `starttls` mode and reads the greeting; the socket is closed when the subtest ends. */
export async function openPlainPhase(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses, options: SocketOptions = {}): Promise<PlainPhase> {
  const socket = closeAtEnd(t, connect(fixtures.services.starttls.ipv4, { ...options, secureTransport: 'starttls' }));
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

/** The plain phase up to `GO`, then startTls(); both sockets are closed when the subtest ends. */
export async function upgrade(t: TestharnessTest, connect: Connect, fixtures: FixtureAddresses, options: SocketOptions = {}): Promise<PlainPhase & { secure: Socket }> {
  const phase = await openPlainPhase(t, connect, fixtures, options);
  await requestUpgrade(phase);
  const secure = closeAtEnd(t, phase.socket.startTls());
  return { ...phase, secure };
}
