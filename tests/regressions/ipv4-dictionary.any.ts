// cloudflare/workerd#2232 (also filed as cloudflare/workers-sdk#5986): connect({ hostname: "1.1.1.1",
// port }) threw "TypeError: Invalid URL: 1.1.1.1:1234" while host names worked. The draft: a
// SocketAddress's hostname is the address to connect to, an IP literal as much as a name
// (#anysocketaddress-type). Checked against the echo service on 127.0.0.1, in both forms.
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { closeAtEnd } from '../lib/fixture.ts';
import { ByteReader, echoRoundTrip } from '../lib/io.ts';
import { describeValue } from '../lib/observe.ts';
import type { AnySocketAddress, Connect, Socket } from '../lib/sockets-api.ts';
import { fulfilsWithin } from '../lib/windows.ts';
import { REPORTS } from './reports.ts';

export const meta: FileMeta = {
  title: 'an IPv4 literal is accepted as the hostname of the address (workerd#2232)',
  anchors: ['#anysocketaddress-type'],
  level: 'required',
  tier: 'regression',
  upstream: [REPORTS.ipv4Dictionary, REPORTS.ipv4DictionarySdk],
  subtests: {
    'connect({ hostname: "127.0.0.1", port }) does not throw and echoes a line': { covers: ['address.dictionary-ipv4'] },
    'connect("127.0.0.1:port") does not throw and echoes a line': { covers: ['address.string-ipv4'] },
  },
};

function connectOrFail(connect: Connect, address: AnySocketAddress): Socket {
  try {
    return connect(address);
  } catch (error) {
    assert_unreached(`connect(${JSON.stringify(address)}) threw ${describeValue(error)}`);
    throw error;
  }
}

export default function ({ connect, fixtures }: TestContext): void {
  const { hostname, port } = fixtures.services.echo.ipv4;
  promise_test(async (t) => {
    const socket = closeAtEnd(t, connectOrFail(connect, { hostname, port }));
    const echo = echoRoundTrip(ByteReader.of(socket.readable), socket.writable.getWriter(), 'ping\n');
    assert_equals(await fulfilsWithin(echo, 'an echo round trip'), 'ping\n', 'the line comes back');
  }, 'connect({ hostname: "127.0.0.1", port }) does not throw and echoes a line');

  promise_test(async (t) => {
    const socket = closeAtEnd(t, connectOrFail(connect, `${hostname}:${port}`));
    const echo = echoRoundTrip(ByteReader.of(socket.readable), socket.writable.getWriter(), 'ping\n');
    assert_equals(await fulfilsWithin(echo, 'an echo round trip'), 'ping\n', 'the line comes back');
  }, 'connect("127.0.0.1:port") does not throw and echoes a line');
}
