import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type FixtureAddresses, type ServiceEndpoints } from '../records/fixtures.ts';
import { PortInUseError, startFixtures } from './index.ts';
import { Reader, connectTcp, connectTls, endpoint } from './test-support.ts';

// The standalone server is the CLI's serve-fixtures command.
const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

function listeningPorts(addresses: FixtureAddresses): number[] {
  return SERVICE_NAMES.filter((name) => name !== 'refused').map((name) => addresses.services[name].ipv4.port);
}

async function occupy(port = 0, host = '127.0.0.1'): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: host === '::1' }, () => resolve());
  });
  return server;
}

/** Two loop turns: libuv releases a closed handle in the close phase of the turn it was closed in. */
async function loopTurns(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

async function release(server: net.Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await loopTurns();
}

async function echoes(addresses: FixtureAddresses, text: string): Promise<void> {
  const socket = await connectTcp(endpoint(addresses, 'echo'));
  const reader = new Reader(socket);
  socket.end(text);
  assert.equal((await reader.rest()).toString(), text);
  socket.destroy();
}

test('two fixture servers run side by side without sharing a port', async () => {
  const [a, b] = await Promise.all([startFixtures(), startFixtures()]);
  try {
    const ports = [...listeningPorts(a.addresses), ...listeningPorts(b.addresses)];
    assert.equal(new Set(ports).size, ports.length, 'every listening port is distinct');
    assert.notEqual(a.addresses.caCertificate, b.addresses.caCertificate, 'each run has its own CA');
    await Promise.all([echoes(a.addresses, 'to a'), echoes(b.addresses, 'to b')]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('ipv6: false listens on 127.0.0.1 only', async () => {
  const fixtures = await startFixtures({ ipv6: false });
  try {
    for (const name of SERVICE_NAMES) assert.equal(fixtures.addresses.services[name].ipv6, null, name);
    await echoes(fixtures.addresses, 'v4 only');
  } finally {
    await fixtures.stop();
  }
});

test('basePort puts service i on basePort + i, on both families', async () => {
  // Below the kernel's ephemeral range, so only another fixed-port user could collide; then retry.
  for (let attempt = 0; ; attempt++) {
    const basePort = 20_000 + Math.floor(Math.random() * 10_000);
    let fixtures;
    try {
      fixtures = await startFixtures({ basePort });
    } catch (error) {
      if (error instanceof PortInUseError && attempt < 5) continue;
      throw error;
    }
    try {
      for (const [index, name] of SERVICE_NAMES.entries()) {
        const endpoints: ServiceEndpoints = fixtures.addresses.services[name];
        assert.equal(endpoints.ipv4.port, basePort + index, name);
        if (endpoints.ipv6) assert.equal(endpoints.ipv6.port, basePort + index, name);
      }
      await echoes(fixtures.addresses, 'fixed port');
    } finally {
      await fixtures.stop();
    }
    return;
  }
});

test('a basePort already in use fails with one clear line and leaves nothing listening', async () => {
  const blocker = await occupy();
  const { port } = blocker.address() as net.AddressInfo;
  const before = tcpHandles();
  try {
    await assert.rejects(startFixtures({ basePort: port }), (error: unknown) => {
      assert.ok(error instanceof PortInUseError);
      assert.equal(error.port, port);
      assert.equal(error.service, 'echo');
      assert.doesNotMatch(error.message, /\n/);
      assert.match(error.message, new RegExp(`port ${port}\\b.*"echo".*--base-port`));
      return true;
    });
    await loopTurns();
    assert.equal(tcpHandles(), before, 'the services bound before the failure are closed again');
  } finally {
    await release(blocker);
  }
});

test('a basePort taken on ::1 only is reported as in use', async (t) => {
  const probe = await startFixtures();
  const hasIpv6 = probe.addresses.services.echo.ipv6 !== null;
  await probe.stop();
  if (!hasIpv6) return t.skip('no IPv6 loopback on this machine');
  const blocker = await occupy(0, '::1');
  const { port } = blocker.address() as net.AddressInfo;
  try {
    await assert.rejects(startFixtures({ basePort: port }), (error: unknown) => {
      assert.ok(error instanceof PortInUseError, String(error));
      assert.equal(error.port, port);
      assert.equal(error.service, 'echo');
      return true;
    });
  } finally {
    await release(blocker);
  }
});

test('a basePort whose refused port is taken fails too', async () => {
  // Below the ephemeral range, where busy client ports would make the other eleven collide first;
  // if someone else holds one of them anyway, try another range.
  for (let attempt = 0; ; attempt++) {
    const basePort = 20_000 + Math.floor(Math.random() * 10_000);
    const blocker = await occupy(basePort + 11).catch(() => null);
    if (!blocker) continue;
    try {
      const error = await startFixtures({ basePort }).then(
        async (fixtures) => { await fixtures.stop(); return null; },
        (error: unknown) => error,
      );
      assert.ok(error instanceof PortInUseError, `expected PortInUseError, got ${String(error)}`);
      if (error.port !== basePort + 11 && attempt < 5) continue;
      assert.equal(error.port, basePort + 11);
      assert.equal(error.service, 'refused');
      return;
    } finally {
      await release(blocker);
    }
  }
});

test('stop() ends open connections of every kind and leaves no TCP handle behind', async () => {
  await loopTurns();
  const before = tcpHandles();
  const fixtures = await startFixtures();
  const { addresses } = fixtures;
  const clients: net.Socket[] = [];
  for (const name of ['echo', 'silent', 'tls-stall', 'greet-then-fin', 'starttls', 'report'] as const) {
    clients.push(await connectTcp(endpoint(addresses, name)));
  }
  clients.push(await connectTls(endpoint(addresses, 'tls-echo'), { ca: addresses.caCertificate, servername: 'localhost' }));
  const control = await connectTcp(endpoint(addresses, 'control'));
  control.write('WAIT-CLOSED c1 5000\n');
  clients.push(control);
  clients[1]!.write(Buffer.alloc(1024 * 1024));
  const readers = clients.map((client) => new Reader(client));

  await fixtures.stop();
  // The server's side is gone: a FIN (or a reset where unread data was left) reached every client.
  await Promise.all(readers.map((reader) => reader.finished()));
  for (const client of clients) client.destroy();
  await Promise.all(readers.map((reader) => reader.closed()));

  await assert.rejects(connectTcp(endpoint(addresses, 'echo')), { code: 'ECONNREFUSED' });
  if (addresses.services.echo.ipv6) {
    await assert.rejects(connectTcp(endpoint(addresses, 'echo', 'ipv6')), { code: 'ECONNREFUSED' });
  }
  await loopTurns();
  assert.equal(tcpHandles(), before, 'no TCP handle of the fixtures or its clients is left');
});

function run(args: string[]): { child: ReturnType<typeof spawn>; stdout: Promise<string>; stderr: Promise<string>; code: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve-fixtures', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const text = (stream: NodeJS.ReadableStream) => new Promise<string>((resolve) => {
    let out = '';
    stream.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    stream.on('end', () => resolve(out));
  });
  return { child, stdout: text(child.stdout!), stderr: text(child.stderr!), code: new Promise((resolve) => child.once('exit', resolve)) };
}

test('serve-fixtures prints the address map, serves, and stops cleanly on SIGTERM', async () => {
  const { child, stdout, code } = run([]);
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', () => reject(new Error(`exited before printing addresses: ${out}`)));
  });
  const addresses = JSON.parse(firstLine) as FixtureAddresses;
  assert.equal(addresses.version, 1);
  await echoes(addresses, 'standalone');
  child.kill('SIGTERM');
  assert.equal(await code, 0);
  assert.equal((await stdout).trim(), firstLine);
});

test('serve-fixtures with a --base-port in use prints one line and exits 2', async () => {
  const blocker = await occupy();
  try {
    const { port } = blocker.address() as net.AddressInfo;
    const { stdout, stderr, code } = run(['--base-port', String(port), '--no-ipv6']);
    assert.equal(await code, 2);
    const message = await stderr;
    assert.equal(message.split('\n').filter(Boolean).length, 1, `one line, got: ${message}`);
    assert.match(message, new RegExp(`port ${port}\\b`));
    assert.equal(await stdout, '');
  } finally {
    await release(blocker);
  }
});

test('serve-fixtures rejects a malformed --base-port with exit code 2', async () => {
  const { stderr, code } = run(['--base-port', 'abc']);
  assert.equal(await code, 2);
  assert.match(await stderr, /--base-port/);
});

test('the single-family listeners answer on their own family only, with a report naming it', async (t) => {
  const fixtures = await startFixtures();
  t.after(() => fixtures.stop());
  const single = fixtures.addresses.singleFamily!;
  const firstLine = (host: string, port: number) => new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    socket.on('data', (d) => { text += d; if (text.includes('\n')) { socket.destroy(); resolve(text.split('\n')[0]!); } });
    socket.on('error', reject);
  });
  const refused = (host: string, port: number) => new Promise<string>((resolve) => {
    const socket = net.connect({ host, port });
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(JSON.parse(await firstLine('127.0.0.1', single.ipv4Only.port)).family, 'IPv4');
  if (single.ipv6Only) {
    assert.equal(JSON.parse(await firstLine('::1', single.ipv6Only.port)).family, 'IPv6');
    assert.equal(await refused('::1', single.ipv4Only.port), 'ECONNREFUSED');
    assert.equal(await refused('127.0.0.1', single.ipv6Only.port), 'ECONNREFUSED');
  }
});
