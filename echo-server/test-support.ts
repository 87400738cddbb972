// Small plain node:net / node:tls clients for the fixture server's own tests.

import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ConnectionReport, Endpoint, FixtureAddresses, ServiceName } from '../records/fixtures.ts';

export function endpoint(addresses: FixtureAddresses, service: ServiceName, family: 'ipv4' | 'ipv6' = 'ipv4'): Endpoint {
  const found = addresses.services[service][family];
  if (!found) throw new Error(`${service} has no ${family} endpoint`);
  return found;
}

/** Buffers everything a socket delivers so a test can await lines, byte counts or the end. */
export class Reader {
  /** Received and not yet taken; joined only when a reader needs to look inside, so that
   * megabytes arriving in small chunks are not copied over and over. */
  private chunks: Buffer[] = [];
  private length = 0;
  ended = false;
  error: NodeJS.ErrnoException | null = null;
  private waiters = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error;
      this.wake();
    });
    socket.on('close', () => this.wake());
  }

  /** Bytes received and not yet taken. */
  get buffered(): number {
    return this.length;
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0]!;
  }

  private take(count: number): Buffer {
    const all = this.joined();
    this.chunks = [all.subarray(count)];
    this.length -= count;
    return all.subarray(0, count);
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Waits until `ready` returns a value, failing if the socket ends, errors or closes first. */
  private until<T>(what: string, ready: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value !== undefined) {
          this.waiters.delete(check);
          resolve(value);
        } else if (this.error || this.ended || this.socket.closed) {
          this.waiters.delete(check);
          reject(this.error ?? new Error(`socket ended while waiting for ${what}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The next line, terminator included. */
  line(): Promise<string> {
    return this.until('a line', () => {
      const end = this.joined().indexOf(0x0a);
      return end === -1 ? undefined : this.take(end + 1).toString('latin1');
    });
  }

  async json<T = ConnectionReport>(): Promise<T> {
    return JSON.parse(await this.line()) as T;
  }

  bytes(count: number): Promise<Buffer> {
    return this.until(`${count} bytes`, () => (this.length < count ? undefined : this.take(count)));
  }

  /** Everything up to the peer's FIN. */
  rest(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.ended) {
          this.waiters.delete(check);
          resolve(this.take(this.length));
        } else if (this.error || this.socket.closed) {
          this.waiters.delete(check);
          reject(this.error ?? new Error('socket closed without a FIN'));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once the peer has ended or the socket has closed, whichever comes first. */
  finished(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.ended && !this.socket.closed) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the error, if any, once the socket has closed. */
  closed(): Promise<NodeJS.ErrnoException | null> {
    return new Promise((resolve) => {
      if (this.socket.closed) return resolve(this.error);
      this.socket.once('close', () => resolve(this.error));
    });
  }
}

export function connectTcp(target: Endpoint | { hostname: string; port: number }, options: net.TcpNetConnectOpts | object = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.hostname, port: target.port, allowHalfOpen: true, ...options });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export function connectTls(target: Endpoint, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen reaches the TCP socket, though node's typings leave it out of ConnectionOptions.
    const socket = tls.connect({ host: target.hostname, port: target.port, allowHalfOpen: true, ...options } as tls.ConnectionOptions);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends one control command and returns the parsed answer. */
export async function control<T = ConnectionReport>(addresses: FixtureAddresses, command: string): Promise<T> {
  const socket = await connectTcp(endpoint(addresses, 'control'));
  try {
    const reader = new Reader(socket);
    socket.write(`${command}\n`);
    return await reader.json<T>();
  } finally {
    socket.destroy();
  }
}

/** The id in a `READY <id>` / `HELLO <id>` greeting. */
export function greetingId(line: string): string {
  const match = /^[A-Z]+ (c\d+)\r\n$/.exec(line);
  if (!match) throw new Error(`not a greeting: ${JSON.stringify(line)}`);
  return match[1]!;
}
