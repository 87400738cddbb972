// Binding one service on both loopback families with the same port, so that `localhost:<port>`
// reaches it whichever family the name resolves to.

import * as net from 'node:net';
import type { ServiceName } from '../records/fixtures.ts';

export const IPV4_LOOPBACK = '127.0.0.1';
export const IPV6_LOOPBACK = '::1';

/** Tries at finding an ephemeral port that is free on both families: the kernel picks the IPv4 port,
 * and something may already hold the same number on ::1. */
const EPHEMERAL_ATTEMPTS = 8;

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly service: ServiceName, readonly host: string) {
    super(
      `port ${port} on ${host} (fixture service "${service}") is already in use: ` +
        'choose another --base-port / basePort, or leave it out to use ephemeral ports',
    );
    this.name = 'PortInUseError';
  }
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    // ipv6Only keeps the ::1 socket from claiming IPv4 traffic on dual-stack hosts.
    server.listen({ host, port, ipv6Only: host === IPV6_LOOPBACK, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

/** Whether this machine has an IPv6 loopback to listen on. */
export async function ipv6Available(): Promise<boolean> {
  const probe = net.createServer();
  try {
    await listen(probe, IPV6_LOOPBACK, 0);
    return true;
  } catch {
    return false;
  } finally {
    await closeServer(probe);
  }
}

export interface BoundService {
  port: number;
  servers: net.Server[];
}

/**
 * Listens with servers from `create` on 127.0.0.1 and, when `ipv6`, on ::1, on the same port:
 * `port` when given (PortInUseError when taken), else an ephemeral one.
 */
export async function bindBothFamilies(
  service: ServiceName,
  create: () => net.Server,
  ipv6: boolean,
  port?: number,
): Promise<BoundService> {
  const attempts = port === undefined ? EPHEMERAL_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const servers = [create()];
    let host = IPV4_LOOPBACK;
    try {
      const bound = await listen(servers[0]!, host, port ?? 0);
      if (ipv6) {
        host = IPV6_LOOPBACK;
        servers.push(create());
        await listen(servers[1]!, host, bound);
      }
      return { port: bound, servers };
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      if (!isAddressInUse(error)) throw error;
      if (port !== undefined) throw new PortInUseError(port, service, host);
      lastError = error;
    }
  }
  throw lastError;
}

export interface RefusedPort {
  port: number;
  /** Gives the port back; resolves once its sockets are closed. */
  release(): Promise<void>;
}

function connectFrom(host: string, port: number, localPort: number | undefined): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // Only an explicit local port needs an explicit bind; libuv sets SO_REUSEADDR on every socket
    // it binds, which would let others listen on the port, so the kernel's connect-time choice is
    // the stronger hold.
    const local = localPort === undefined ? {} : { localAddress: host, localPort };
    const socket = net.connect({ host, port, ...local });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function destroyed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) return resolve();
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/**
 * A port on which nothing listens, held for the run: a connection from that port to a private
 * holder server keeps it bound (without SO_REUSEADDR, which node sets on listeners only), so no one
 * else can listen there, while a SYN to it finds no listener and is refused. On both families.
 */
export async function reserveRefusedPort(service: ServiceName, ipv6: boolean, port?: number): Promise<RefusedPort> {
  const hosts = ipv6 ? [IPV4_LOOPBACK, IPV6_LOOPBACK] : [IPV4_LOOPBACK];
  const holders = hosts.map(() => net.createServer((socket) => { accepted.push(socket); socket.on('error', () => {}); }));
  const accepted: net.Socket[] = [];
  const clients: net.Socket[] = [];
  const release = async () => {
    await Promise.all([...clients, ...accepted].map(destroyed));
    await Promise.all(holders.map(closeServer));
  };
  try {
    const holderPorts = await Promise.all(holders.map((holder, i) => listen(holder, hosts[i]!, 0)));
    const attempts = port === undefined ? EPHEMERAL_ATTEMPTS : 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let host = IPV4_LOOPBACK;
      try {
        clients.push(await connectFrom(host, holderPorts[0]!, port));
        const held = clients[0]!.localPort!;
        if (ipv6) {
          host = IPV6_LOOPBACK;
          clients.push(await connectFrom(host, holderPorts[1]!, held));
        }
        return { port: held, release };
      } catch (error) {
        await Promise.all(clients.splice(0).map(destroyed));
        if (!isAddressInUse(error)) throw error;
        if (port !== undefined) throw new PortInUseError(port, service, host);
      }
    }
    throw new Error(`no port free on both loopback families for "${service}" after ${attempts} attempts`);
  } catch (error) {
    await release();
    throw error;
  }
}
