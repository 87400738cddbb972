// The fixture server under load: a load generator in a child process holds many connections open
// (plain `echo` and `tls-echo`), each sending random bytes and checking every byte that comes back,
// while the conformance suite runs on node against the same fixture server. Prints the figures;
// exits 1 when a connection failed, a byte was lost or corrupted, or a suite file did not finish.
// Bounded: everything stops by itself within --limit seconds.
//
//   tsx bench/load.ts [--connections 1000] [--tls-share 0.5] [--limit 60]
//
// "Clean" means: every connection opened and still open when the load stopped, no connection error,
// every byte sent came back unchanged, every suite file completed (OK), and the suite's verdicts are
// those expectations/node.json records for an unloaded run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Endpoint, FixtureAddresses } from '../records/fixtures.ts';
import { compare, loadAllExpectations } from '../records/expectations.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { killAll } from '../runners/launch.ts';
import { fromRoot } from '../runners/paths.ts';
import { run } from '../runners/run.ts';
import { startFixtures } from '../echo-server/index.ts';

/** Connections opened at once while building up the load (the listeners' accept backlog is 511). */
const OPEN_CONCURRENCY = 64;
/** Each connection's pause between two echo rounds: keeps the load steady instead of saturating
 * both cores, which would measure the machine, not the server. */
const ROUND_GAP_MS = [50, 250] as const;
const MAX_ROUND_BYTES = 16 * 1024;
const STOP_GRACE_MS = 5_000;
const DEFAULT_EXPECTATIONS_DIR = fromRoot('expectations');
/** File descriptors per side beyond one per connection (listeners, the suite, the runtime, pipes). */
const FD_HEADROOM = 512;

const self = fileURLToPath(import.meta.url);

interface GeneratorConfig {
  connections: number;
  tlsShare: number;
  echo: Endpoint;
  tlsEcho: Endpoint;
  ca: string;
}

/** What the generator reports when it stops. */
interface GeneratorReport {
  type: 'done';
  connections: number;
  tls: number;
  /** Connections open at the same time when the stop came. */
  heldAtStop: number;
  rounds: number;
  bytesSent: number;
  bytesVerified: number;
  /** Bytes sent that never came back, over the connections that ended. */
  bytesLost: number;
  corruptRounds: number;
  errors: string[];
}

// ─── the load generator (child process) ──────────────────────────────────────────────────────────

class LoadConnection {
  sent = 0;
  verified = 0;
  rounds = 0;
  corrupt = 0;
  open = false;
  failure: string | null = null;
  private expected: Buffer | null = null;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private roundDone: (() => void) | null = null;
  private ended: Promise<void>;
  private stopping = false;

  constructor(private socket: net.Socket, readonly secure: boolean) {
    this.open = true;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    this.ended = new Promise((resolve) => {
      socket.once('end', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.on('error', (error) => this.fail(`${this.secure ? 'tls-echo' : 'echo'}: ${error.message}`));
    socket.once('close', () => {
      this.open = false;
      if (!this.stopping) this.fail('closed by the other side before the load stopped');
      this.roundDone?.();
    });
  }

  private fail(message: string): void {
    this.failure ??= message;
  }

  private onData(data: Buffer): void {
    if (!this.expected) {
      this.corrupt++;
      this.fail(`${data.length} byte(s) arrived with no round in flight`);
      return;
    }
    this.received.push(data);
    this.receivedBytes += data.length;
    if (this.receivedBytes < this.expected.length) return;
    const back = Buffer.concat(this.received);
    if (back.length !== this.expected.length || !back.equals(this.expected)) {
      this.corrupt++;
      this.fail(`round ${this.rounds}: ${back.length} bytes back for ${this.expected.length} sent, ${back.equals(this.expected) ? 'equal' : 'different'}`);
    } else {
      this.verified += back.length;
    }
    this.expected = null;
    this.received = [];
    this.receivedBytes = 0;
    this.rounds++;
    this.roundDone?.();
  }

  /** One echo round: random bytes out, the same bytes back. */
  round(): Promise<void> {
    const chunk = randomBytes(randomInt(1, MAX_ROUND_BYTES + 1));
    this.expected = chunk;
    this.sent += chunk.length;
    return new Promise((resolve) => {
      this.roundDone = () => {
        this.roundDone = null;
        resolve();
      };
      this.socket.write(chunk);
    });
  }

  /** Ends our side and waits for the server to finish and close its side. */
  async finish(): Promise<void> {
    this.stopping = true;
    if (!this.open) return;
    this.socket.end();
    await this.ended;
    this.socket.destroy();
  }
}

function openOne(config: GeneratorConfig, secure: boolean): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const endpoint = secure ? config.tlsEcho : config.echo;
    const options = { host: endpoint.hostname, port: endpoint.port, allowHalfOpen: true };
    const socket = secure
      ? tls.connect({ ...options, ca: config.ca }, () => done())
      : net.connect(options, () => done());
    const done = () => {
      socket.off('error', reject);
      resolve(socket);
    };
    socket.once('error', reject);
  });
}

async function generate(config: GeneratorConfig): Promise<void> {
  const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const errors: string[] = [];
  const connections: LoadConnection[] = [];
  const tlsCount = Math.round(config.connections * config.tlsShare);
  let next = 0;
  const opener = async () => {
    while (next < config.connections) {
      const secure = next++ < tlsCount;
      try {
        connections.push(new LoadConnection(await openOne(config, secure), secure));
      } catch (error) {
        errors.push(`opening a ${secure ? 'tls-echo' : 'echo'} connection: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, opener));
  send({ type: 'held', count: connections.filter((c) => c.open).length });

  let stop = false;
  const stopped = new Promise<void>((resolve) => {
    process.stdin.on('data', () => {
      stop = true;
      resolve();
    });
    process.stdin.on('end', () => {
      stop = true;
      resolve();
    });
  });
  const loop = async (connection: LoadConnection) => {
    while (!stop && connection.open && !connection.failure) {
      await connection.round();
      if (stop) break;
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, randomInt(ROUND_GAP_MS[0], ROUND_GAP_MS[1])))]);
    }
  };
  const loops = Promise.all(connections.map(loop));
  await stopped;
  // A round in flight at the stop has a loopback round trip to finish; one still unanswered after
  // the grace period counts as lost bytes instead of hanging the benchmark.
  const grace = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  await Promise.race([loops, grace(STOP_GRACE_MS)]);
  const heldAtStop = connections.filter((c) => c.open).length;
  await Promise.race([Promise.all(connections.map((c) => c.finish())), grace(STOP_GRACE_MS)]);

  for (const c of connections) if (c.failure) errors.push(c.failure);
  const report: GeneratorReport = {
    type: 'done',
    connections: connections.length,
    tls: connections.filter((c) => c.secure).length,
    heldAtStop,
    rounds: connections.reduce((n, c) => n + c.rounds, 0),
    bytesSent: connections.reduce((n, c) => n + c.sent, 0),
    bytesVerified: connections.reduce((n, c) => n + c.verified, 0),
    bytesLost: connections.reduce((n, c) => n + (c.sent - c.verified), 0),
    corruptRounds: connections.reduce((n, c) => n + c.corrupt, 0),
    errors,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
}

// ─── the coordinator ─────────────────────────────────────────────────────────────────────────────

/** This process's open-file limits. Node raises its own soft limit to the hard one at start-up
 * (checked: under `ulimit -Sn 1024` a node child reports the hard limit), and so does the
 * generator, a node process too: only the hard limit can stand in the way. */
function fileLimits(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const out = spawnSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).stdout.trim();
    return out === 'unlimited' ? Infinity : Number(out);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

function startGenerator(config: GeneratorConfig): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', self, '--generate', JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
}

function lines(child: ChildProcess, onLine: (message: { type: string } & Record<string, unknown>) => void): void {
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      try {
        onLine(JSON.parse(line));
      } catch {
        process.stderr.write(`load generator: ${line}\n`);
      }
    }
  });
}

function countBy<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

async function coordinate(values: { connections: string; 'tls-share': string; limit: string }): Promise<number> {
  const connections = Number(values.connections);
  const limitMs = Number(values.limit) * 1000;
  const started = performance.now();

  // This process holds the server side of every connection, the generator the client side.
  const needed = connections + FD_HEADROOM;
  const { soft, hard } = fileLimits();
  if (soft < needed) {
    const how = hard < needed ? `the hard limit is ${hard} (raise ulimit -Hn)` : `the soft limit is ${soft} (raise ulimit -Sn)`;
    process.stderr.write(`bench:load: ${connections} connections need ${needed} open files per process; ${how}\n`);
    return 2;
  }

  const fixtures = await startFixtures();
  const addresses: FixtureAddresses = fixtures.addresses;
  const config: GeneratorConfig = {
    connections,
    tlsShare: Number(values['tls-share']),
    echo: addresses.services.echo.ipv4,
    tlsEcho: addresses.services['tls-echo'].ipv4,
    ca: addresses.caCertificate,
  };
  const generator = startGenerator(config);
  const abort = new AbortController();
  let heldAt = 0;
  let held = 0;
  let report: GeneratorReport | null = null;
  let suite: RunResults | null = null;
  let suiteError: string | null = null;

  const heldPromise = new Promise<void>((resolve, reject) => {
    lines(generator, (message) => {
      if (message.type === 'held') {
        held = Number(message.count);
        heldAt = performance.now() - started;
        resolve();
      } else if (message.type === 'done') {
        report = message as unknown as GeneratorReport;
      }
    });
    generator.once('close', (code) => reject(new Error(`the load generator exited (${code}) before holding its connections`)));
  });
  const generatorClosed = new Promise<void>((resolve) => generator.once('close', () => resolve()));

  // The whole benchmark stops by itself: the suite is aborted and the generator killed at the limit.
  const watchdog = setTimeout(() => {
    abort.abort('the time limit');
    killAll();
    generator.kill('SIGKILL');
  }, limitMs);

  let suiteMs = 0;
  try {
    await heldPromise;
    const files = (await discoverTestFiles()).filter((f) => (f.meta.tier ?? 'spec') === 'spec');
    const suiteStarted = performance.now();
    try {
      suite = await run({ files, runtimes: ['node'], fixtures: addresses, signal: abort.signal });
    } catch (error) {
      suiteError = (error as Error).message;
    }
    suiteMs = performance.now() - suiteStarted;
    generator.stdin!.end('stop\n');
    await generatorClosed;
  } catch (error) {
    suiteError ??= (error as Error).message;
    generator.kill('SIGKILL');
  } finally {
    clearTimeout(watchdog);
    await fixtures.stop();
  }

  const seconds = (performance.now() - started) / 1000;
  const r = report as GeneratorReport | null;
  const s = suite as RunResults | null;
  const filesNotOk = s ? s.files.filter((f) => f.status !== 'OK') : [];
  // The same verdicts as without load: the node expectations say which subtests fail anyway.
  const comparison = s ? compare(s, await loadAllExpectations(DEFAULT_EXPECTATIONS_DIR), { knownFiles: s.files.map((f) => f.file) }) : null;
  const unexpected = comparison?.unexpected ?? [];
  const unexpectedPasses = comparison?.unexpectedPasses.length ?? 0;
  console.log(`fixture server under load on 127.0.0.1 (load average ${loadavg()[0]!.toFixed(2)}, open-file limit ${soft})`);
  console.log(`connections held:      ${held} of ${connections} (${r ? r.tls : '?'} over tls-echo), all open after ${(heldAt / 1000).toFixed(1)} s; still open when the load stopped: ${r?.heldAtStop ?? '?'}`);
  if (r) {
    console.log(`echo rounds:           ${r.rounds} (random 1 B to ${MAX_ROUND_BYTES / 1024} KiB each, every byte compared)`);
    console.log(`bytes verified:        ${r.bytesVerified} of ${r.bytesSent} sent (${(r.bytesVerified / 1024 / 1024).toFixed(1)} MiB)`);
    console.log(`bytes lost:            ${r.bytesLost}`);
    console.log(`corrupted rounds:      ${r.corruptRounds}`);
    console.log(`connection errors:     ${r.errors.length}${r.errors.length ? `: ${r.errors.slice(0, 5).join('; ')}${r.errors.length > 5 ? '; ...' : ''}` : ''}`);
  } else {
    console.log('load generator:        no report (killed or crashed)');
  }
  if (s) {
    console.log(`suite on node:         ${s.files.length} files in ${(suiteMs / 1000).toFixed(1)} s, files ${countBy(s.files, (f) => f.status)}; subtests ${countBy(s.results, (x) => x.status)}`);
    if (s.interrupted) console.log(`  cut short by ${s.interrupted.signal}: ${s.interrupted.filesNotRun.length} file(s) not run or interrupted`);
    for (const f of filesNotOk) console.log(`  ${f.file}: ${f.status} ${f.message ?? ''}`);
    console.log(`  against expectations/node.json: ${unexpected.length} unexpected, ${unexpectedPasses} unexpected passes`);
    for (const v of unexpected.slice(0, 10)) console.log(`  UNEXPECTED ${v.status} (expected ${v.expected}) ${v.file} "${v.test ?? ''}": ${(v.message ?? '').split('\n')[0]}`);
  } else {
    console.log(`suite on node:         did not complete: ${suiteError}`);
  }
  console.log(`duration:              ${seconds.toFixed(1)} s`);

  const clean = r !== null && s !== null && held === connections && r.heldAtStop === connections && r.errors.length === 0 && r.bytesLost === 0 && r.corruptRounds === 0 && filesNotOk.length === 0 && unexpected.length === 0 && !s.interrupted;
  console.log(clean ? 'result: zero errors, zero bytes lost or corrupted' : 'result: NOT clean (see above)');
  return clean ? 0 : 1;
}

const { values } = parseArgs({
  options: {
    generate: { type: 'string' },
    connections: { type: 'string', default: '1000' },
    'tls-share': { type: 'string', default: '0.5' },
    limit: { type: 'string', default: '60' },
  },
});
if (values.generate) await generate(JSON.parse(values.generate) as GeneratorConfig);
else process.exitCode = await coordinate(values);
