// Echo throughput and connection rate of the fixture server next to a bare node:net echo server,
// measured in the same run. Each server runs in its own child process so the client (this process)
// does not share a thread with it; rounds alternate between the two so machine load hits both alike.
// Figures are printed, never asserted.
//
//   tsx bench/fixtures.ts [--mib 256] [--connections 2000] [--rounds 3]

import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFixtures } from '../echo-server/index.ts';

const CHUNK = 64 * 1024;
/** Connections in flight at once in the connection-rate test. */
const CONCURRENCY = 32;

type Kind = 'fixtures' | 'bare';

async function serve(kind: Kind): Promise<void> {
  let port: number;
  let stop: () => Promise<void>;
  if (kind === 'fixtures') {
    const fixtures = await startFixtures({ ipv6: false });
    port = fixtures.addresses.services.echo.ipv4.port;
    stop = fixtures.stop;
  } else {
    // The baseline: the same half-close behaviour as the fixture echo, nothing else.
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {});
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  }
  process.stdout.write(`${port}\n`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await stop();
}

function startServer(kind: Kind): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ child, port: Number(out.trim()) });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before listening`)));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Streams `total` bytes through one connection and back; returns MiB/s from first write to last byte. */
async function throughput(port: number, total: number): Promise<number> {
  const socket = await connect(port);
  const chunk = Buffer.alloc(CHUNK, 0xa5);
  const started = process.hrtime.bigint();
  const done = new Promise<void>((resolve, reject) => {
    let received = 0;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received >= total) resolve();
    });
    socket.once('error', reject);
  });
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += CHUNK;
      if (!socket.write(chunk)) return void socket.once('drain', pump);
    }
    socket.end();
  };
  pump();
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  return total / (1024 * 1024) / seconds;
}

/** Opens `count` connections (CONCURRENCY at a time), each echoing one byte and closing; returns per second. */
async function connectionRate(port: number, count: number): Promise<number> {
  let next = 0;
  const one = async () => {
    const socket = await connect(port);
    await new Promise<void>((resolve, reject) => {
      socket.once('data', () => socket.end());
      socket.once('close', () => resolve());
      socket.once('error', reject);
      socket.write('x');
    });
  };
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      mib: { type: 'string', default: '256' },
      connections: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
    },
  });
  if (values.serve === 'fixtures' || values.serve === 'bare') return serve(values.serve);

  const total = Number(values.mib) * 1024 * 1024;
  const count = Number(values.connections);
  const rounds = Number(values.rounds);
  const servers = { fixtures: await startServer('fixtures'), bare: await startServer('bare') };
  const results: Record<Kind, { mibs: number[]; conns: number[] }> = {
    fixtures: { mibs: [], conns: [] },
    bare: { mibs: [], conns: [] },
  };
  try {
    // One unmeasured pass each warms up the JIT on both sides.
    for (const kind of ['fixtures', 'bare'] as const) {
      await throughput(servers[kind].port, 16 * 1024 * 1024);
      await connectionRate(servers[kind].port, 200);
    }
    for (let round = 0; round < rounds; round++) {
      const order: Kind[] = round % 2 === 0 ? ['fixtures', 'bare'] : ['bare', 'fixtures'];
      for (const kind of order) {
        results[kind].mibs.push(await throughput(servers[kind].port, total));
        results[kind].conns.push(await connectionRate(servers[kind].port, count));
      }
    }
  } finally {
    for (const { child } of Object.values(servers)) child.kill('SIGTERM');
  }

  const row = (label: string, kind: Kind) =>
    `${label.padEnd(22)} ${median(results[kind].mibs).toFixed(0).padStart(8)} MiB/s ${median(results[kind].conns).toFixed(0).padStart(8)} conn/s`;
  const ratio = (key: 'mibs' | 'conns') => (median(results.fixtures[key]) / median(results.bare[key])).toFixed(2);
  console.log(`echo over 127.0.0.1: ${values.mib} MiB per throughput pass, ${count} connections per rate pass, ` +
    `median of ${rounds} rounds (load average ${loadavg()[0]!.toFixed(2)})`);
  console.log(row('fixture server (echo)', 'fixtures'));
  console.log(row('bare node:net echo', 'bare'));
  console.log(`ratio fixture / bare: throughput ${ratio('mibs')} (target >= 0.8), connections ${ratio('conns')}`);
}

await main();
