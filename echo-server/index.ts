// The fixture server as a library: startFixtures() brings every service up on loopback and returns
// the address map that the runner hands to each runtime. echo-server/README.md has the protocol.

import * as net from 'node:net';
import {
  SERVICE_NAMES,
  type FixtureAddresses,
  type ServiceEndpoints,
  type ServiceName,
} from '../records/fixtures.ts';
import { CERTIFICATE_NAMES, createTlsMaterial } from './certificates.ts';
import {
  IPV4_LOOPBACK,
  IPV6_LOOPBACK,
  bindBothFamilies,
  closeServer,
  ipv6Available,
  reserveRefusedPort,
} from './listen.ts';
import { Registry } from './registry.ts';
import { bindSingleFamilies, type SingleFamilyListeners } from './single-family.ts';
import { SERVICES, type ServiceEnv } from './services.ts';
import { ALPN_PROTOCOLS, createServerContext } from './tls-layer.ts';

export { PortInUseError } from './listen.ts';
export type { FixtureAddresses } from '../records/fixtures.ts';

export interface FixtureOptions {
  /** Service i of SERVICE_NAMES listens on basePort + i; ephemeral ports when left out. */
  basePort?: number;
  /** Listen on ::1 too; by default, when the machine has an IPv6 loopback. */
  ipv6?: boolean;
}

export interface Fixtures {
  addresses: FixtureAddresses;
  /** PEM of the second CA, the one behind `tls-untrusted` and `starttls-untrusted`. Kept out of the
   * address map on purpose: no runtime is ever given it. Only the fixture server's own tests use it,
   * to show that those certificates are sound and fail only for want of trust. */
  untrustedCaCertificate: string;
  /** Destroys every connection and closes every listener; resolves once nothing is left open. */
  stop(): Promise<void>;
}

function endpoints(port: number, ipv6: boolean): ServiceEndpoints {
  return {
    ipv4: { hostname: IPV4_LOOPBACK, port },
    ipv6: ipv6 ? { hostname: IPV6_LOOPBACK, port } : null,
  };
}

function checkBasePort(basePort: number): void {
  const last = basePort + SERVICE_NAMES.length - 1;
  if (!Number.isInteger(basePort) || basePort < 1 || last > 65535) {
    throw new RangeError(`basePort must be an integer from 1 to ${65536 - SERVICE_NAMES.length}, got ${basePort}`);
  }
}

export async function startFixtures(options: FixtureOptions = {}): Promise<Fixtures> {
  if (options.basePort !== undefined) checkBasePort(options.basePort);
  const ipv6 = options.ipv6 === false ? false : await ipv6Available();
  if (options.ipv6 === true && !ipv6) throw new Error('IPv6 was asked for, but this machine cannot listen on ::1');

  const material = await createTlsMaterial();
  const untrusted = await createTlsMaterial('untrusted CA');
  const registry = new Registry();
  const env: ServiceEnv = { registry, tlsContext: createServerContext(material), untrustedTlsContext: createServerContext(untrusted) };
  const servers: net.Server[] = [];
  const releases: (() => Promise<void>)[] = [];
  const closeAll = () => Promise.all([...servers.map(closeServer), ...releases.map((release) => release())]);
  const services = {} as Record<ServiceName, ServiceEndpoints>;
  let singleFamily: SingleFamilyListeners;

  const createServer = (service: Exclude<ServiceName, 'refused'>) => () => {
    const handler = SERVICES[service];
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const connection = registry.open(service, socket);
      try {
        socket.setNoDelay(true);
        handler(connection, socket, env);
      } catch {
        // A client gone before its handler ran can make socket calls throw; it only loses itself.
        socket.destroy();
      }
    });
    // Accept errors (e.g. out of file descriptors) must not end the process; the listener stays.
    server.on('error', () => {});
    return server;
  };

  try {
    for (const [index, service] of SERVICE_NAMES.entries()) {
      const port = options.basePort === undefined ? undefined : options.basePort + index;
      if (service === 'refused') {
        const refused = await reserveRefusedPort(service, ipv6, port);
        releases.push(refused.release);
        services[service] = endpoints(refused.port, ipv6);
        continue;
      }
      const bound = await bindBothFamilies(service, createServer(service), ipv6, port);
      servers.push(...bound.servers);
      services[service] = endpoints(bound.port, ipv6);
    }
    // Always on ephemeral ports: they must be free on the other family, which a base port cannot promise.
    singleFamily = await bindSingleFamilies(createServer('report'), ipv6);
    servers.push(...singleFamily.servers);
  } catch (error) {
    await closeAll();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closing = closeAll();
      const connections = [...registry.live].map((connection) => connection.destroyed());
      await Promise.all([closing, ...connections]);
      // A server's 'close' comes before libuv has released its handle: that happens in the close
      // phase of the loop turn in which it was closed. The first immediate may still run in that
      // turn's check phase (which precedes the close phase); the second runs after it.
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    })();
    return stopping;
  };

  return {
    addresses: {
      version: 1,
      services,
      caCertificate: material.caCertificate,
      certificateNames: [...CERTIFICATE_NAMES],
      alpnProtocols: [...ALPN_PROTOCOLS],
      singleFamily: { ipv4Only: singleFamily.ipv4Only, ipv6Only: singleFamily.ipv6Only },
    },
    untrustedCaCertificate: untrusted.caCertificate,
    stop,
  };
}
