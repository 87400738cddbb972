// The performance tier's baseline: every figure of tests/perf/ measured with bare node:net / node:tls
// against the same fixture server, in the same run. It runs in a child Node process of its own, as
// each runtime does, so the client never shares a thread with the fixture server in the runner.
//
// The method mirrors the perf files step for step (same sizes, warm-up, chunking and clock), so a
// ratio shows what the connect() layer of a runtime costs over the sockets underneath.

import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { PerfPlan } from '../records/channel.ts';
import type { Endpoint, FixtureAddresses } from '../records/fixtures.ts';
import { CHUNK_BYTES, connectionRate, MiB, now, percentile, STEP_DEADLINE_MS, WARM_UP, within, type FigureKey } from '../tests/perf/figures.ts';

export interface BaselineFigure {
  value: number;
  samples?: number;
  note?: string;
}

export type Baseline = Partial<Record<FigureKey, BaselineFigure>>;

interface BaselineInput {
  plan: PerfPlan;
  echo: Endpoint;
  tlsEcho: Endpoint;
  starttls: Endpoint;
  ca: string;
}

/** Every baseline figure, measured in a child Node process; rejects with the child's output when it fails. */
export function measureBaseline(fixtures: FixtureAddresses, plan: PerfPlan, timeoutMs = 60_000): Promise<Baseline> {
  const input: BaselineInput = {
    plan,
    echo: fixtures.services.echo.ipv4,
    tlsEcho: fixtures.services['tls-echo'].ipv4,
    starttls: fixtures.services.starttls.ipv4,
    ca: fixtures.caCertificate,
  };
  // Compiled (the installed command) this module is JavaScript; from the sources, tsx loads it.
  const loader = import.meta.url.endsWith('.ts') ? ['--import', import.meta.resolve('tsx/esm')] : [];
  const child = spawn(process.execPath, [...loader, fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(JSON.stringify(input));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve(JSON.parse(out) as Baseline);
          return;
        } catch {
          // Falls through to the failure below, with what the child printed.
        }
      }
      reject(new Error(`the node:net baseline ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

// ─── inside the child ─────────────────────────────────────────────────────────────────────────────

function connectTcp(endpoint: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.hostname, port: endpoint.port, noDelay: true, allowHalfOpen: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function closeSocket(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/** Resolves with the next `count` bytes the socket receives (no more are expected). */
function receive(socket: net.Socket, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (data: Buffer) => {
      chunks.push(data);
      got += data.length;
      if (got >= count) {
        cleanup();
        resolve(Buffer.concat(chunks));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`the connection ended after ${got} of ${count} bytes`));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onEnd);
  });
}

/** Reads one line (up to `\n`) from a plain socket that sends nothing after it unasked. */
async function readLine(socket: net.Socket): Promise<string> {
  let text = '';
  while (!text.includes('\n')) text += (await receive(socket, 1)).toString('latin1');
  return text.trimEnd();
}

/** Resolves once `total` bytes have arrived, keeping none of them (as the perf file does). */
function count(socket: net.Socket, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (data: Buffer) => {
      got += data.length;
      if (got >= total) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('end', () => reject(new Error(`the connection ended after ${got} of ${total} bytes`)));
  });
}

async function echoBulk(endpoint: Endpoint, total: number): Promise<number> {
  const socket = await connectTcp(endpoint);
  const started = now();
  const reading = count(socket, total);
  for (let sent = 0; sent < total; sent += CHUNK_BYTES) {
    if (!socket.write(Buffer.alloc(Math.min(CHUNK_BYTES, total - sent)))) {
      await new Promise((resolve) => socket.once('drain', resolve));
    }
  }
  await reading;
  const elapsed = now() - started;
  await closeSocket(socket);
  return elapsed;
}

async function roundTrips(socket: net.Socket, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = now();
    const back = receive(socket, 1);
    socket.write(Buffer.of(i & 0xff));
    const byte = await within(back, STEP_DEADLINE_MS, 'a 1-byte round trip');
    if (byte[0] !== (i & 0xff)) throw new Error(`round trip ${i}: wrong byte back`);
    times.push(now() - started);
  }
  return times;
}

function connectTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(options, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function echoOneByte(socket: net.Socket): Promise<void> {
  const back = receive(socket, 1);
  socket.write(Buffer.of(0x2a));
  await within(back, STEP_DEADLINE_MS, 'the first echoed byte');
}

async function tlsHandshake(input: BaselineInput): Promise<number> {
  const started = now();
  const socket = await within(connectTls({ host: input.tlsEcho.hostname, port: input.tlsEcho.port, ca: input.ca, noDelay: true } as tls.ConnectionOptions), STEP_DEADLINE_MS, 'a TLS handshake');
  await echoOneByte(socket);
  const elapsed = now() - started;
  await closeSocket(socket);
  return elapsed;
}

async function startTlsUpgrade(input: BaselineInput): Promise<number> {
  const plain = await connectTcp(input.starttls);
  const ready = await readLine(plain);
  if (!ready.startsWith('READY ')) throw new Error(`expected READY, got ${JSON.stringify(ready)}`);
  plain.write('STARTTLS\r\n');
  const go = await readLine(plain);
  if (go !== 'GO') throw new Error(`expected GO, got ${JSON.stringify(go)}`);
  const started = now();
  const secure = await within(connectTls({ socket: plain, ca: input.ca, host: input.starttls.hostname }), STEP_DEADLINE_MS, 'a STARTTLS upgrade');
  await echoOneByte(secure);
  const elapsed = now() - started;
  await closeSocket(secure);
  await closeSocket(plain);
  return elapsed;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function timeEach(count: number, warmUp: number, step: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await step());
  return times;
}

async function measure(input: BaselineInput): Promise<Baseline> {
  const { plan } = input;
  const out: Baseline = {};

  await echoBulk(input.echo, WARM_UP.bytes);
  out.throughput = { value: plan.throughputBytes / MiB / ((await echoBulk(input.echo, plan.throughputBytes)) / 1000) };

  const socket = await connectTcp(input.echo);
  await roundTrips(socket, WARM_UP.roundTrips);
  const times = await roundTrips(socket, plan.roundTrips);
  await closeSocket(socket);
  out.roundTripP50 = { value: percentile(times, 50) * 1000, samples: times.length };
  out.roundTripP99 = { value: percentile(times, 99) * 1000, samples: times.length };
  out.roundTripMean = { value: mean(times) * 1000, samples: times.length };

  const opened = async () => closeSocket(await connectTcp(input.echo));
  const echoed = async () => {
    const s = await connectTcp(input.echo);
    await echoOneByte(s);
    await closeSocket(s);
  };
  await connectionRate(WARM_UP.connections, plan.connectionConcurrency, opened);
  out.connectOpened = { value: await connectionRate(plan.connections, plan.connectionConcurrency, opened), samples: plan.connections, note: "node:net's connect event stands for opened" };
  await connectionRate(WARM_UP.connections, plan.connectionConcurrency, echoed);
  out.connectEcho = { value: await connectionRate(plan.connections, plan.connectionConcurrency, echoed), samples: plan.connections };

  const handshakes = await timeEach(plan.handshakes, WARM_UP.handshakes, () => tlsHandshake(input));
  out.tlsHandshake = { value: percentile(handshakes, 50), samples: handshakes.length };
  out.tlsHandshakeMean = { value: mean(handshakes), samples: handshakes.length };
  const upgrades = await timeEach(plan.upgrades, WARM_UP.upgrades, () => startTlsUpgrade(input));
  out.startTls = { value: percentile(upgrades, 50), samples: upgrades.length };
  out.startTlsMean = { value: mean(upgrades), samples: upgrades.length };

  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  const result = await measure(JSON.parse(text) as BaselineInput);
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}
