// The in-memory record of every accepted connection, so tests can ask afterwards what the server saw
// (through the `control` service) and the `report` services can describe the connection they serve.

import type { Socket } from 'node:net';
import type { ConnectionReport, ServiceName } from '../records/fixtures.ts';

/** Bytes kept for `receivedAfterFin`; the count goes on beyond it. Big enough for any test, small
 * enough that a client streaming into a half-closed connection cannot exhaust memory. */
const AFTER_FIN_KEEP = 1024 * 1024;

export class Connection {
  readonly report: ConnectionReport;
  /** The open sockets layered on this connection (the TCP socket, then a TLS socket over it); each
   * leaves at its close, so the remembered reports do not keep thousands of dead sockets alive. */
  private sockets: Socket[] = [];
  private serverEnded = false;
  private afterFin: Buffer[] = [];
  private afterFinKept = 0;
  private closeWaiters = new Set<() => void>();

  constructor(id: string, service: ServiceName, socket: Socket) {
    this.report = {
      id,
      service,
      family: socket.remoteFamily === 'IPv6' ? 'IPv6' : 'IPv4',
      // A client that resets before the handler runs leaves these undefined.
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
      tls: false,
      sni: null,
      alpnOffered: null,
      alpn: null,
      tlsProtocol: null,
      bytesIn: 0,
      bytesOut: 0,
      clientEnded: false,
      clientReset: false,
      closed: false,
      receivedAfterFin: '',
      receivedAfterFinBytes: 0,
    };
    this.track(socket);
  }

  /** Watches a socket of this connection: resets, the client's FIN, and the close. The error
   * listener is also what keeps a misbehaving client from crashing the process. */
  track(socket: Socket): void {
    this.sockets.push(socket);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') this.report.clientReset = true;
    });
    socket.on('close', () => {
      this.sockets = this.sockets.filter((open) => open !== socket);
      this.markClosed();
    });
  }

  /** Records the client's FIN as seen on the socket the service reads from. */
  watchEnd(socket: Socket): void {
    socket.once('end', () => { this.report.clientEnded = true; });
  }

  received(chunk: Buffer): void {
    this.report.bytesIn += chunk.length;
    if (!this.serverEnded) return;
    this.report.receivedAfterFinBytes += chunk.length;
    if (this.afterFinKept < AFTER_FIN_KEEP) {
      const kept = chunk.subarray(0, AFTER_FIN_KEEP - this.afterFinKept);
      this.afterFin.push(Buffer.from(kept));
      this.afterFinKept += kept.length;
    }
  }

  /** Writes on behalf of the service, counting what it sends. */
  send(socket: Socket, data: Buffer | string): boolean {
    this.report.bytesOut += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    return socket.write(data);
  }

  /** Sends the server's FIN; from now on received bytes count as received after FIN. */
  endWrite(socket: Socket): void {
    this.serverEnded = true;
    if (!socket.destroyed) socket.end();
  }

  /** A copy of the report with the bytes received after FIN encoded, ready for JSON. */
  snapshot(): ConnectionReport {
    if (this.afterFin.length > 1) this.afterFin = [Buffer.concat(this.afterFin)];
    return { ...this.report, receivedAfterFin: this.afterFin[0]?.toString('base64') ?? '' };
  }

  /** Calls `listener` once the connection is closed on the server side (at once if it is);
   * returns a function that cancels the call. */
  onClosed(listener: () => void): () => void {
    if (this.report.closed) {
      listener();
      return () => {};
    }
    this.closeWaiters.add(listener);
    return () => this.closeWaiters.delete(listener);
  }

  /** Destroys every socket of the connection; resolves once all have closed. */
  destroyed(): Promise<void> {
    return Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => {
      if (socket.closed) return resolve();
      socket.once('close', () => resolve());
      socket.destroy();
    }))).then(() => {});
  }

  private markClosed(): void {
    // The TLS socket and the TCP socket under it close together; whichever goes first takes the other.
    for (const socket of this.sockets) socket.destroy();
    if (this.report.closed) return;
    this.report.closed = true;
    for (const waiter of this.closeWaiters) waiter();
    this.closeWaiters.clear();
  }
}

export class Registry {
  private readonly entries = new Map<string, Connection>();
  /** Connections not yet closed, whatever the entries' bound: stop() must reach all of them. */
  readonly live = new Set<Connection>();
  private nextId = 1;

  /** @param limit entries kept; older ones are forgotten so a long-lived server stays bounded. */
  constructor(private readonly limit = 10_000) {}

  open(service: ServiceName, socket: Socket): Connection {
    const connection = new Connection(`c${this.nextId++}`, service, socket);
    this.entries.set(connection.report.id, connection);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.live.add(connection);
    socket.once('close', () => this.live.delete(connection));
    return connection;
  }

  get(id: string): Connection | undefined {
    return this.entries.get(id);
  }
}
