// The fixture server, seen from inside a test: endpoints, and the server's own account of a
// connection, fetched over the `control` service through the connect() under test itself (tests
// have no other way out of the runtime). echo-server/README.md documents the services.

import type { ConnectionReport, Endpoint, FixtureAddresses, ServiceName } from '../../records/fixtures.ts';
import { ByteReader, writeText } from './io.ts';
import type { Connect, Socket, SocketInfo } from './sockets-api.ts';
import { assert_thenable } from './errors.ts';
import { runningTime, scaledMs } from './timing.ts';

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** The endpoint of `service` for `family`, or null when the machine has no IPv6 loopback. Tests
 * guard IPv6 cases with assert_implements_optional on this. */
export function endpointOf(fixtures: FixtureAddresses, service: ServiceName, family: Family): Endpoint | null {
  return fixtures.services[service][family];
}

/** `host:port`, with an IPv6 literal in brackets. */
export function hostPort(endpoint: Endpoint): string {
  return endpoint.hostname.includes(':') ? `[${endpoint.hostname}]:${endpoint.port}` : `${endpoint.hostname}:${endpoint.port}`;
}

/** Closes `socket` when the subtest ends. The cleanup returns nothing and swallows errors on
 * purpose: close() hands back `closed`, which rejects after a failed connection and may never
 * settle on a broken implementation; either is the business of the subtests about it, while a
 * rejected or hanging cleanup would abort the whole file. */
export function closeAtEnd(t: TestharnessTest, socket: Socket): Socket {
  t.add_cleanup(() => {
    try {
      Promise.resolve(socket.close()).catch(() => {});
    } catch {
      // A close() that throws is reported by the close() tests.
    }
  });
  return socket;
}

/** Parses the JSON line the `report`, `tls-report` and `control` services send. */
export function parseReport(line: string): ConnectionReport {
  const report = JSON.parse(line) as ConnectionReport;
  if (typeof report !== 'object' || report === null || typeof report.id !== 'string') {
    throw new Error(`not a connection report: ${line}`);
  }
  return report;
}

/** Reads a greeting line such as `HELLO c12` or `READY c12` and returns the connection id. */
export async function readGreeting(reader: ByteReader, word: string): Promise<string> {
  const line = await reader.readLine();
  const [first, id] = line.split(' ');
  if (first !== word || !id) throw new Error(`expected "${word} <id>", got ${JSON.stringify(line)}`);
  return id;
}

async function askControl(connect: Connect, fixtures: FixtureAddresses, request: string): Promise<ConnectionReport> {
  const socket = connect(fixtures.services.control.ipv4);
  try {
    const reader = ByteReader.of(socket.readable);
    const writer = socket.writable.getWriter();
    await writeText(writer, request);
    return parseReport(await reader.readLine());
  } finally {
    Promise.resolve(socket.close()).catch(() => {});
  }
}

/** What the server knows now about connection `id`. */
export function queryConnection(connect: Connect, fixtures: FixtureAddresses, id: string): Promise<ConnectionReport> {
  return askControl(connect, fixtures, `QUERY ${id}\n`);
}

/** What the server knows about connection `id` once it has closed on the server side, or after
 * `ms` milliseconds if it has not (the report's `closed` says which). */
export function waitClosed(connect: Connect, fixtures: FixtureAddresses, id: string, ms: number): Promise<ConnectionReport> {
  return askControl(connect, fixtures, `WAIT-CLOSED ${id} ${ms}\n`);
}

/** Like waitClosed, for a close that must happen: the server waits `ms` × the run's scale, and asks
 * again for as long as this runtime has not yet had that much running time (tests/lib/timing.ts),
 * so a runtime starved of CPU is not judged by the server's clock. */
export async function waitClosedBound(connect: Connect, fixtures: FixtureAddresses, id: string, ms: number): Promise<ConnectionReport> {
  const clock = runningTime(scaledMs(ms));
  let expired = false;
  void clock.done.then(() => { expired = true; });
  try {
    for (;;) {
      // The control service caps one wait at 5 s (echo-server/control.ts).
      const report = await waitClosed(connect, fixtures, id, Math.min(scaledMs(ms), 5_000));
      if (report.closed || expired) return report;
    }
  } finally {
    clock.cancel();
  }
}

/** Reads the connection report the `report` and `tls-report` services send first. */
export async function readReport(reader: ByteReader): Promise<ConnectionReport> {
  return parseReport(await reader.readLine());
}

export const familyLabel = (family: Family): string => (family === 'ipv4' ? 'IPv4' : 'IPv6');

/** Awaits `socket.opened`, failing the subtest if it is not a promise at all. */
export async function openedInfo(socket: Socket): Promise<SocketInfo> {
  assert_thenable(socket.opened, 'opened');
  return socket.opened;
}
