import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'node:net';
import { startFixtures, type Fixtures } from './index.ts';
import { Reader, connectTcp, control, endpoint } from './test-support.ts';

let fixtures: Fixtures;
before(async () => { fixtures = await startFixtures(); });
after(() => fixtures.stop());

/** Sends `payload`, ends, and returns the SHA-256 and length of everything echoed up to the FIN. */
function echoThrough(socket: Socket, payload: Buffer): Promise<{ hash: string; length: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let length = 0;
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    socket.once('end', () => resolve({ hash: hash.digest('hex'), length }));
    socket.once('error', reject);
    socket.end(payload);
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('echo', () => {
  for (const size of [1, 1000, 65_537, 1024 * 1024 + 3]) {
    test(`echoes ${size} random bytes exactly`, async () => {
      const socket = await connectTcp(endpoint(fixtures.addresses, 'echo'));
      const payload = randomBytes(size);
      const echoed = await echoThrough(socket, payload);
      assert.deepEqual(echoed, { hash: sha256(payload), length: size });
      socket.destroy();
    });
  }

  test('echoes 64 MiB of random bytes exactly', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'echo'));
    const payload = randomBytes(64 * 1024 * 1024);
    const echoed = await echoThrough(socket, payload);
    assert.equal(echoed.length, payload.length);
    assert.equal(echoed.hash, sha256(payload));
    socket.destroy();
  });

  test('keeps echoing after the client half-closes, then sends its own FIN', async () => {
    // report echoes exactly as echo does and gives the id to ask control about.
    const socket = await connectTcp(endpoint(fixtures.addresses, 'report'));
    const reader = new Reader(socket);
    const { id } = await reader.json();
    socket.write('first');
    assert.equal((await reader.bytes(5)).toString(), 'first');
    const open = await control(fixtures.addresses, `QUERY ${id}`);
    assert.equal(open.clientEnded, false, 'the server saw no FIN yet');
    assert.equal(reader.ended, false, 'the server must not end before the client does');

    const tail = randomBytes(512 * 1024);
    socket.end(tail);
    const rest = await reader.rest();
    assert.equal(sha256(rest), sha256(tail), 'everything sent before the FIN comes back before the server FIN');
    const closed = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(closed.clientEnded, true);
    assert.equal(closed.closed, true);
    assert.equal(closed.bytesIn, 5 + tail.length);
    socket.destroy();
  });

  test('is reachable as localhost:<port> and on ::1 with the same port', async (t) => {
    const ipv6 = fixtures.addresses.services.echo.ipv6;
    if (!ipv6) return t.skip('no IPv6 loopback on this machine');
    assert.equal(ipv6.port, fixtures.addresses.services.echo.ipv4.port);
    for (const hostname of ['::1', 'localhost']) {
      const socket = await connectTcp({ hostname, port: ipv6.port });
      const echoed = await echoThrough(socket, Buffer.from('over ' + hostname));
      assert.equal(echoed.length, `over ${hostname}`.length);
      socket.destroy();
    }
  });
});

describe('report', () => {
  test('first line describes the connection as the server saw it, then echoes', async () => {
    const target = endpoint(fixtures.addresses, 'report');
    const socket = await connectTcp(target);
    const reader = new Reader(socket);
    const report = await reader.json();
    assert.match(report.id, /^c\d+$/);
    assert.equal(report.service, 'report');
    assert.equal(report.family, 'IPv4');
    assert.equal(report.remoteAddress, '127.0.0.1');
    assert.equal(report.remotePort, socket.localPort);
    assert.equal(report.localPort, target.port);
    assert.equal(report.tls, false);
    assert.equal(report.sni, null);
    socket.write('ping\n');
    assert.equal(await reader.line(), 'ping\n');
    socket.destroy();
  });

  test('reports IPv6 peers as IPv6', async (t) => {
    if (!fixtures.addresses.services.report.ipv6) return t.skip('no IPv6 loopback on this machine');
    const socket = await connectTcp(endpoint(fixtures.addresses, 'report', 'ipv6'));
    const report = await new Reader(socket).json();
    assert.equal(report.family, 'IPv6');
    assert.equal(report.remoteAddress, '::1');
    assert.equal(report.remotePort, socket.localPort);
    socket.destroy();
  });
});

describe('silent', () => {
  test('never answers and never reads, so the client meets backpressure', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'silent'));
    const reader = new Reader(socket);
    const chunk = Buffer.alloc(256 * 1024);
    // Write until a 'drain' fails to come: the server's receive window and our send buffer are full.
    // The bound only decides how long an absent event is waited for; on loopback drains take microseconds.
    let stalled = false;
    for (let i = 0; i < 256 && !stalled; i++) {
      if (socket.write(chunk)) continue;
      stalled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { socket.off('drain', onDrain); resolve(true); }, 300);
        const onDrain = () => { clearTimeout(timer); resolve(false); };
        socket.once('drain', onDrain);
      });
    }
    assert.ok(stalled, 'writes stalled before 64 MiB went out');
    assert.ok(socket.writableLength > 0, 'data is waiting in the client');
    assert.equal(reader.ended, false);
    assert.equal(reader.buffered, 0, 'silent sent nothing');
    socket.destroy();
  });
});
