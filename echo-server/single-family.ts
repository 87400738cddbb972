// Two listeners for the question whether `localhost` reaches a server that listens on one loopback
// family only (cloudflare/workers-sdk#12910): one on 127.0.0.1 alone, one on ::1 alone, each on a
// port that is free on the other family when it is bound, so that whichever address `localhost`
// resolves to first, only the intended listener can answer. Both serve `report` (their first line is
// the connection's report, whose `family` says which listener answered), then echo.

import * as net from 'node:net';
import type { Endpoint } from '../records/fixtures.ts';
import { IPV4_LOOPBACK, IPV6_LOOPBACK, closeServer } from './listen.ts';

const ATTEMPTS = 8;

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === IPV6_LOOPBACK, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Whether nobody listens on `host:port` right now (a bind that succeeds and is given back). */
async function freeOn(host: string, port: number): Promise<boolean> {
  const probe = net.createServer();
  try {
    await listen(probe, host, port);
    return true;
  } catch {
    return false;
  } finally {
    await closeServer(probe);
  }
}

async function bindAlone(create: () => net.Server, host: string, other: string | null): Promise<{ server: net.Server; endpoint: Endpoint }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const server = create();
    const port = await listen(server, host, 0);
    if (other === null || (await freeOn(other, port))) return { server, endpoint: { hostname: host, port } };
    await closeServer(server);
  }
  throw new Error(`no port free on ${other} for a listener on ${host} alone after ${ATTEMPTS} attempts`);
}

export interface SingleFamilyListeners {
  servers: net.Server[];
  ipv4Only: Endpoint;
  /** Null when the machine has no IPv6 loopback. */
  ipv6Only: Endpoint | null;
}

export async function bindSingleFamilies(create: () => net.Server, ipv6: boolean): Promise<SingleFamilyListeners> {
  const v4 = await bindAlone(create, IPV4_LOOPBACK, ipv6 ? IPV6_LOOPBACK : null);
  if (!ipv6) return { servers: [v4.server], ipv4Only: v4.endpoint, ipv6Only: null };
  try {
    const v6 = await bindAlone(create, IPV6_LOOPBACK, IPV4_LOOPBACK);
    return { servers: [v4.server, v6.server], ipv4Only: v4.endpoint, ipv6Only: v6.endpoint };
  } catch (error) {
    await closeServer(v4.server);
    throw error;
  }
}
