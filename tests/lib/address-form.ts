// The address a test connects to for a service and family. IPv4 uses the endpoint as is. For IPv6 the
// draft fixes no address form (#anysocketaddress-type), so a test about something else must not hinge
// on one: the form is the first of the { hostname: "::1", port } dictionary and the "[::1]:port"
// string that reaches the plain echo service, probed once per file. The address forms themselves are
// judged in socket-address/forms.any.ts.

import type { FixtureAddresses, ServiceName } from '../../records/fixtures.ts';
import { endpointOf, hostPort, type Family } from './fixture.ts';
import type { AnySocketAddress, Connect } from './sockets-api.ts';
import { settlesWithinBound } from './timing.ts';

type Ipv6Form = 'dictionary' | 'string' | null;

// Loopback answers at once; the bound only keeps a form that never settles from stalling the file.
const PROBE_WINDOW_MS = 1000;

const probes = new WeakMap<Connect, Promise<Ipv6Form>>();

async function reaches(connect: Connect, address: AnySocketAddress): Promise<boolean> {
  let socket;
  try {
    socket = connect(address);
  } catch {
    return false;
  }
  try {
    const opened = await settlesWithinBound(Promise.resolve(socket.opened), PROBE_WINDOW_MS);
    return opened.state === 'fulfilled';
  } finally {
    try {
      Promise.resolve(socket.close()).catch(() => {});
    } catch {
      // Only tidying up.
    }
  }
}

function ipv6Form(connect: Connect, fixtures: FixtureAddresses): Promise<Ipv6Form> {
  let probe = probes.get(connect);
  if (!probe) {
    probe = (async (): Promise<Ipv6Form> => {
      const echo = fixtures.services.echo.ipv6;
      if (!echo) return null;
      if (await reaches(connect, { ...echo })) return 'dictionary';
      if (await reaches(connect, hostPort(echo))) return 'string';
      return null;
    })();
    probes.set(connect, probe);
  }
  return probe;
}

/** The address of `service` for `family`, in a form this implementation connects with. Marks the
 * subtest PRECONDITION_FAILED when the machine has no IPv6 loopback or the implementation reaches
 * ::1 in neither form (which the address-form subtests report). */
export async function addressOf(connect: Connect, fixtures: FixtureAddresses, service: ServiceName, family: Family): Promise<AnySocketAddress> {
  const endpoint = endpointOf(fixtures, service, family);
  assert_implements_optional(endpoint, `this machine has no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} loopback`);
  if (family === 'ipv4') return endpoint;
  const form = await ipv6Form(connect, fixtures);
  assert_implements_optional(form, 'this implementation reaches ::1 neither as a { hostname, port } dictionary nor as a "[::1]:port" string');
  return form === 'dictionary' ? { ...endpoint } : hostPort(endpoint);
}
