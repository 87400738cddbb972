import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startFixtures, type Fixtures } from './index.ts';
import { Reader, connectTcp, control, endpoint, greetingId } from './test-support.ts';

let fixtures: Fixtures;
before(async () => { fixtures = await startFixtures(); });
after(() => fixtures.stop());

describe('greet-then-fin', () => {
  test('greets, ends its side, and records what arrives after its FIN', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'greet-then-fin'));
    const reader = new Reader(socket);
    const id = greetingId(await reader.line());
    assert.equal((await reader.rest()).length, 0, 'nothing follows the greeting before the FIN');
    socket.end('sent after the server FIN');
    assert.equal(await reader.closed(), null);

    const report = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(report.closed, true);
    assert.equal(report.clientEnded, true);
    assert.equal(Buffer.from(report.receivedAfterFin, 'base64').toString(), 'sent after the server FIN');
    assert.equal(report.receivedAfterFinBytes, 'sent after the server FIN'.length);
    assert.equal(report.bytesOut, `HELLO ${id}\r\n`.length);
  });
});

describe('greet-then-rst', () => {
  test('greets, then resets once the client has sent a byte', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'greet-then-rst'));
    const reader = new Reader(socket);
    const id = greetingId(await reader.line());
    socket.write('x');
    const error = await reader.closed();
    assert.equal(error?.code, 'ECONNRESET');
    const report = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(report.closed, true);
    assert.equal(report.bytesIn, 1);
  });
});

describe('close-on-accept', () => {
  test('sends a FIN and no data', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'close-on-accept'));
    const reader = new Reader(socket);
    assert.equal((await reader.rest()).length, 0);
    socket.end();
    assert.equal(await reader.closed(), null, 'a graceful close, not a reset');
  });
});

describe('refused', () => {
  for (const family of ['ipv4', 'ipv6'] as const) {
    test(`connecting over ${family} is refused`, async (t) => {
      if (!fixtures.addresses.services.refused[family]) return t.skip('no IPv6 loopback on this machine');
      await assert.rejects(
        connectTcp(endpoint(fixtures.addresses, 'refused', family)),
        (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
      );
    });
  }

  test('nobody else can listen on the refused port while the fixtures run', async () => {
    const server = net.createServer();
    const { port } = endpoint(fixtures.addresses, 'refused');
    try {
      await assert.rejects(
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', () => resolve(undefined));
        }),
        (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE',
      );
    } finally {
      server.close();
    }
  });
});

describe('control', () => {
  test('answers several commands on one connection, in order', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'control'));
    const reader = new Reader(socket);
    socket.write('QUERY nope\nHELLO\r\nWAIT-CLOSED nope 10\nWAIT-CLOSED c1 x\n');
    assert.deepEqual(await reader.json(), { error: 'unknown id' });
    assert.deepEqual(await reader.json(), { error: 'unknown command' });
    assert.deepEqual(await reader.json(), { error: 'unknown id' });
    assert.deepEqual(await reader.json(), { error: 'bad arguments' });
    socket.end();
    assert.equal((await reader.rest()).length, 0);
  });

  test('WAIT-CLOSED answers when its time is up if the connection is still open', async () => {
    const open = await connectTcp(endpoint(fixtures.addresses, 'report'));
    const { id } = await new Reader(open).json();
    const report = await control(fixtures.addresses, `WAIT-CLOSED ${id} 50`);
    assert.equal(report.closed, false);
    open.destroy();
    const closed = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(closed.closed, true);
  });

  test('a client reset is recorded', async () => {
    const socket = await connectTcp(endpoint(fixtures.addresses, 'report'));
    const { id } = await new Reader(socket).json();
    socket.resetAndDestroy();
    const report = await control(fixtures.addresses, `WAIT-CLOSED ${id} 2000`);
    assert.equal(report.clientReset, true);
    assert.equal(report.closed, true);
  });

  test('garbage and resets on every service leave the server serving', async () => {
    const garbage = Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0x00, 0x0a, 0x0d, 0x0a, 0x80]);
    for (const [service, endpoints] of Object.entries(fixtures.addresses.services)) {
      if (service === 'refused') continue;
      const socket = await connectTcp(endpoints.ipv4);
      socket.on('error', () => {});
      socket.write(garbage);
      socket.resetAndDestroy();
    }
    const socket = await connectTcp(endpoint(fixtures.addresses, 'echo'));
    const reader = new Reader(socket);
    socket.end('still here');
    assert.equal((await reader.rest()).toString(), 'still here');
  });
});
