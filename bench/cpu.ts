// npm run bench:cpu (also the last part of npm run bench:suite): where the CPU time of a full default
// run goes, component by component, each figure also as a multiple of the CPU of `node -e 0`
// measured in this same bench, and the start-up of the installed command against `node -e 0`.
// Prints figures; asserts nothing. Linux only: it reads /proc.
//
// How CPU is read (the output says which way each row was measured):
// - this process: process.cpuUsage();
// - children that exited: what the kernel adds to this process's cutime + cstime (/proc/self/stat)
//   when it reaps a child, which includes everything that child reaped in turn;
// - children still running: utime + stime (+ their reaped children) of each process descended from
//   this one (/proc/<pid>/stat).
// The kernel counts in clock ticks (10 ms), so short things are measured over many launches.
// Each component is measured on its own, one after another, as a run does it; their sum is set
// beside a whole default run of the compiled command measured from outside.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { writeReports } from '../cli/write-reports.ts';
import { createTlsMaterial } from '../echo-server/certificates.ts';
import { startInterop } from '../interop/index.ts';
import type { FixtureAddresses } from '../records/fixtures.ts';
import type { RunResults } from '../records/result.ts';
import { buildBundles } from '../runners/build.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { fromRoot } from '../runners/paths.ts';
import { DEFAULT_JOBS, run } from '../runners/run.ts';
import { runtimes } from '../runners/runtimes/index.ts';
import { RuntimeUnavailable, type LocatedRuntime, type RuntimeAdapter } from '../runners/runtime.ts';

const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);
const LAUNCHES = 10;

interface ProcStat {
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime, in ms. */
  cpuMs: number;
}

function procStat(pid: number | 'self'): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After "pid (comm) ": state, ppid, ... utime is field 14 of the whole line, so index 11 here.
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return { ppid: Number(fields[1]), comm: text.slice(text.indexOf('(') + 1, close), cpuMs: (utime! + stime! + cutime! + cstime!) * TICK_MS };
}

const selfMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU of the children this process has reaped, and everything they reaped. */
function reapedMs(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** The processes below this one that are still running, with their CPU so far. */
function liveDescendants(): Map<number, ProcStat> {
  const all = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) all.set(Number(name), stat);
  }
  const below = new Map<number, ProcStat>();
  const queue = [process.pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, stat] of all) {
      if (stat.ppid === parent && !below.has(pid)) {
        below.set(pid, stat);
        queue.push(pid);
      }
    }
  }
  return below;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
/** This process and every process below it, running or reaped. */
const treeMs = () => selfMs() + reapedMs() + sum([...liveDescendants().values()].map((s) => s.cpuMs));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Mean CPU and median wall of `n` launches of a command that exits by itself. */
function launches(argv: string[], options: { env?: Record<string, string>; cwd?: string } = {}, n = LAUNCHES): { cpuMs: number; wallMs: number } {
  const before = reapedMs();
  const walls: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore', cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 120_000 });
    walls.push(performance.now() - started);
  }
  return { cpuMs: (reapedMs() - before) / n, wallMs: median(walls) };
}

/** One run of a command measured from outside: its CPU once it and everything it started exited. */
async function measuredCommand(argv: string[], env: Record<string, string>): Promise<{ cpuMs: number; wallMs: number; code: number | null }> {
  const before = reapedMs();
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', env: { ...process.env, ...env } });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { cpuMs: reapedMs() - before, wallMs: performance.now() - started, code };
}

interface Row {
  component: string;
  cpuMs: number;
  how: string;
  /** Part of another row (not added to the sum). */
  within?: boolean;
}

export interface CpuFigures {
  nodeBareCpuMs: number;
  wholeRunCpuMs: number;
  listWallRatio: number;
}

export async function cpuBreakdown(): Promise<CpuFigures> {
  const cli = fromRoot('cli/bin.js');
  if (!existsSync(fromRoot('dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const bench = await mkdtemp(path.join(os.tmpdir(), 'sc-bench-cpu-'));
  const cache = path.join(bench, 'cache');
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };

  // The unit: a bare Node.js start, measured here and now.
  const nodeBare = launches([process.execPath, '-e', '0']);
  const x = (ms: number) => (ms / nodeBare.cpuMs).toFixed(1);
  say(`node -e 0: ${nodeBare.cpuMs.toFixed(1)} ms CPU (mean of ${LAUNCHES} launches, cutime + cstime), ${nodeBare.wallMs.toFixed(0)} ms wall (median)`);

  // Start-up of the installed command against node -e 0, launched alternately so both see the same load.
  const listWalls: number[] = [];
  const bareWalls: number[] = [];
  const listCpuBefore = reapedMs();
  for (let i = 0; i < 9; i++) {
    bareWalls.push(launches([process.execPath, '-e', '0'], {}, 1).wallMs);
    listWalls.push(launches([process.execPath, cli, 'list'], { env: { SOCKETS_CONFORMANCE_CACHE: cache } }, 1).wallMs);
  }
  const listCpu = (reapedMs() - listCpuBefore) / 9 - nodeBare.cpuMs;
  const listWallRatio = median(listWalls) / median(bareWalls);
  say(`start-up: \`sockets-conformance list\` ${median(listWalls).toFixed(0)} ms wall against node -e 0 ${median(bareWalls).toFixed(0)} ms: ${listWallRatio.toFixed(2)}x (target <= 4); ${listCpu.toFixed(0)} ms CPU, ${x(listCpu)}x node -e 0 (medians of 9 launches each, alternating)`);
  const tsxList = launches([process.execPath, '--import', 'tsx', fromRoot('cli/main.ts'), 'list'], { cwd: fromRoot() }, 3);
  say(`  the same from the TypeScript sources through tsx: ${tsxList.wallMs.toFixed(0)} ms wall, ${tsxList.cpuMs.toFixed(0)} ms CPU (${x(tsxList.cpuMs)}x node -e 0)`);

  // The whole default run, as a user starts it, measured from outside: first with an empty build
  // cache and no timing history, then again.
  const out = path.join(bench, 'out');
  const first = await measuredCommand([process.execPath, cli, 'run', '--out', out], { SOCKETS_CONFORMANCE_CACHE: cache });
  const again = await measuredCommand([process.execPath, cli, 'run', '--out', out], { SOCKETS_CONFORMANCE_CACHE: cache });
  const viaTsx = await measuredCommand([process.execPath, '--import', 'tsx', fromRoot('cli/main.ts'), 'run', '--out', out], { SOCKETS_CONFORMANCE_CACHE: cache });
  say(`whole default run (\`sockets-conformance run\`, compiled), CPU of the command and all it started (cutime + cstime once it exited):`);
  say(`  first run (empty build cache): ${(first.cpuMs / 1000).toFixed(2)} s CPU = ${x(first.cpuMs)}x node -e 0, ${(first.wallMs / 1000).toFixed(1)} s wall, exit ${first.code}`);
  say(`  next run:                      ${(again.cpuMs / 1000).toFixed(2)} s CPU = ${x(again.cpuMs)}x node -e 0, ${(again.wallMs / 1000).toFixed(1)} s wall, exit ${again.code}`);
  say(`  next run from the sources through tsx: ${(viaTsx.cpuMs / 1000).toFixed(2)} s CPU = ${x(viaTsx.cpuMs)}x node -e 0, ${(viaTsx.wallMs / 1000).toFixed(1)} s wall, exit ${viaTsx.code}`);

  // The components, one at a time.
  const rows: Row[] = [];
  const cliStart = launches([process.execPath, cli, 'run', '--filter', 'no-such-file-anywhere'], { env: { SOCKETS_CONFORMANCE_CACHE: cache } }, 5);
  rows.push({ component: 'CLI start (to the first step of a run)', cpuMs: cliStart.cpuMs, how: '`run --filter <nothing>`: loads the run\'s modules, reads the metadata, exits 2; mean of 5 launches' });

  const certModule = launches([process.execPath, '--input-type=module', '-e', "await import('reflect-metadata'); await import('@peculiar/x509');"], { cwd: fromRoot() }, 5);
  let mark = selfMs();
  for (let i = 0; i < 5; i++) await createTlsMaterial();
  const perCertificate = (selfMs() - mark) / 5;
  rows.push({ component: 'certificate generation', cpuMs: certModule.cpuMs - nodeBare.cpuMs + 2 * perCertificate, how: `loading @peculiar/x509 (${(certModule.cpuMs - nodeBare.cpuMs).toFixed(0)} ms: a child that imports it, less node -e 0) + 2 CAs with a server certificate each (fixture server, interop) at ${perCertificate.toFixed(1)} ms (mean of 5, in process)` });

  // The fixture server in a process of its own, so its CPU is told apart from the runner's.
  const fixtureChild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixture-child.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'], cwd: fromRoot() });
  const fixtureLines = readline.createInterface({ input: fixtureChild.stdout! })[Symbol.asyncIterator]();
  const addresses = JSON.parse((await fixtureLines.next()).value as string) as FixtureAddresses;
  const fixtureStats = async () => {
    fixtureChild.stdin!.write('stats\n');
    return JSON.parse((await fixtureLines.next()).value as string) as { cpuMs: number; tlsHandshakes: number };
  };

  const material = await createTlsMaterial();
  mark = treeMs();
  const interop = await startInterop(material);
  rows.push({ component: 'interop servers\' start', cpuMs: treeMs() - mark, how: 'startInterop() with the certificate given: PostgreSQL cluster (a copy of its template, made by initdb on the first run only; server; role) and SMTP; this process and its children' });
  const servers: FixtureAddresses = { ...addresses, interop: interop.addresses };
  const serverPids = new Set(liveDescendants().keys());

  const located = new Map<RuntimeAdapter, LocatedRuntime>();
  // The runtimes of a default run: the miniflare columns run only when named (or in `conformance`).
  for (const adapter of runtimes.filter((r) => !r.onlyWhenNamed)) {
    try {
      located.set(adapter, await adapter.locate());
    } catch (error) {
      if (!(error instanceof RuntimeUnavailable)) throw error;
      say(`${adapter.id}: unavailable (${error.message})`);
    }
  }

  const files = await discoverTestFiles();
  const savedCache = process.env.SOCKETS_CONFORMANCE_CACHE;
  process.env.SOCKETS_CONFORMANCE_CACHE = path.join(bench, 'build-cache');
  let cold = 0;
  let check = 0;
  for (const adapter of located.keys()) {
    const request = { target: adapter.build, connectModule: adapter.build.defaultConnect, files };
    mark = treeMs();
    const built = await buildBundles(request);
    if (!built.cached) cold += treeMs() - mark;
    mark = treeMs();
    await buildBundles(request);
    check += treeMs() - mark;
  }
  rows.push({ component: 'bundling, first run (empty cache)', cpuMs: cold, how: 'buildBundles() for each runtime into an empty cache (runtimes sharing a build target build once); this process and the esbuild service', within: true });
  rows.push({ component: 'bundling, later runs (cache check)', cpuMs: check, how: 'buildBundles() again per runtime, nothing changed: hashing every input' });

  let starts = 0;
  let runtimeWork = 0;
  let runner = 0;
  let postgresServing = 0;
  const fixtureBefore = await fixtureStats();
  const merged: RunResults[] = [];
  const launchedNote: string[] = [];
  const workNote: string[] = [];
  for (const [adapter, where] of located) {
    const spec = adapter.bareStart ? await adapter.bareStart(where, bench) : undefined;
    const bare = spec ? launches(spec.argv, { env: spec.env, cwd: spec.cwd }) : { cpuMs: 0, wallMs: 0 };
    const serversBefore = sum([...liveDescendants()].filter(([pid]) => serverPids.has(pid) && pid !== fixtureChild.pid).map(([, s]) => s.cpuMs));
    const selfBefore = selfMs();
    const reapedBefore = reapedMs();
    const results = await run({ files, runtimes: [adapter.id], fixtures: servers, jobs: DEFAULT_JOBS });
    runner += selfMs() - selfBefore;
    // Warm processes are killed at the end of run(): wait until they have been reaped.
    for (let i = 0; i < 100 && [...liveDescendants().keys()].some((pid) => !serverPids.has(pid)); i++) await new Promise((r) => setTimeout(r, 50));
    const runtimeCpu = reapedMs() - reapedBefore;
    postgresServing += sum([...liveDescendants()].filter(([pid]) => serverPids.has(pid) && pid !== fixtureChild.pid).map(([, s]) => s.cpuMs)) - serversBefore;
    const launched = results.runtimes[0]?.processes?.launched ?? 0;
    starts += bare.cpuMs * launched;
    runtimeWork += runtimeCpu - bare.cpuMs * launched;
    launchedNote.push(`${adapter.id} ${launched} x ${bare.cpuMs.toFixed(0)} ms`);
    workNote.push(`${adapter.id} ${(runtimeCpu - bare.cpuMs * launched).toFixed(0)}`);
    merged.push(results);
  }
  const fixtureAfter = await fixtureStats();
  rows.push({ component: 'runtime process starts', cpuMs: starts, how: `bare start CPU (mean of ${LAUNCHES}) x processes launched: ${launchedNote.join(', ')}` });
  rows.push({ component: 'runtime processes beyond their start', cpuMs: runtimeWork, how: `each runtime's processes (reaped CPU over its files, run one runtime at a time at the default jobs) less their starts: loading bundles and testharness.js, the tests' own work; ms per runtime: ${workNote.join(', ')}` });
  rows.push({ component: 'fixture server, serving', cpuMs: fixtureAfter.cpuMs - fixtureBefore.cpuMs, how: 'process.cpuUsage() of the fixture server in a child of its own, over the same files' });
  rows.push({ component: 'PostgreSQL, serving', cpuMs: postgresServing, how: 'the interop servers\' processes (/proc/<pid>/stat), over the same files' });
  rows.push({ component: 'runner\'s own bookkeeping', cpuMs: runner, how: 'process.cpuUsage() over run(): scheduling, launching, reading result lines, the build cache check, and the SMTP fixtures it hosts' });

  const combined: RunResults = { ...merged[0]!, runtimes: merged.flatMap((r) => r.runtimes), results: merged.flatMap((r) => r.results), files: merged.flatMap((r) => r.files) };
  mark = selfMs();
  await writeReports(combined, path.join(bench, 'reports'));
  rows.push({ component: 'writing the reports', cpuMs: selfMs() - mark, how: 'writeReports() of those results: every format' });

  // TLS: what one handshake costs (node client and node server, both here), times the handshakes
  // the fixture server completed.
  const handshakes = fixtureAfter.tlsHandshakes - fixtureBefore.tlsHandshakes;
  const perHandshake = await handshakeCpuMs(material);
  rows.push({ component: 'TLS handshakes (fixture server)', cpuMs: handshakes * perHandshake, how: `${handshakes} handshakes x ${perHandshake.toFixed(2)} ms (node:tls client + server in one process, mean of 100); already inside the runtime and fixture server rows`, within: true });

  mark = treeMs();
  await interop.stop();
  rows.push({ component: 'interop servers\' stop', cpuMs: treeMs() - mark, how: 'stopping PostgreSQL and SMTP; this process and its children' });
  fixtureChild.stdin!.end();
  await new Promise((resolve) => fixtureChild.once('close', resolve));
  if (savedCache === undefined) delete process.env.SOCKETS_CONFORMANCE_CACHE;
  else process.env.SOCKETS_CONFORMANCE_CACHE = savedCache;
  await rm(bench, { recursive: true, force: true });

  const counted = sum(rows.filter((r) => !r.within).map((r) => r.cpuMs));
  const table: string[][] = [['component', 'CPU ms', 'x node -e 0', 'share', 'how it was measured']];
  for (const r of [...rows].sort((a, b) => b.cpuMs - a.cpuMs)) {
    table.push([r.within ? `(${r.component})` : r.component, r.cpuMs.toFixed(0), x(r.cpuMs), r.within ? '' : `${((r.cpuMs / counted) * 100).toFixed(0)}%`, r.how]);
  }
  table.push(['sum of the rows', counted.toFixed(0), x(counted), '100%', `rows in brackets are not added: the first run's bundling, and TLS inside other rows`]);
  table.push(['whole next run, measured alone', again.cpuMs.toFixed(0), x(again.cpuMs), '', 'the compiled command from outside (above)']);
  const widths = table[0]!.slice(0, 4).map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  say('where the CPU of a run goes (components measured one at a time, largest first):');
  for (const r of table) say('  ' + r.map((cell, i) => (i < 4 ? (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)) : cell)).join('  '));
  return { nodeBareCpuMs: nodeBare.cpuMs, wholeRunCpuMs: again.cpuMs, listWallRatio };
}

async function handshakeCpuMs(material: { certificate: string; privateKey: string; caCertificate: string }): Promise<number> {
  const server = tls.createServer({ key: material.privateKey, cert: material.certificate }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const once = () => new Promise<void>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: material.caCertificate, servername: 'localhost' }, () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
  for (let i = 0; i < 10; i++) await once();
  const mark = selfMs();
  for (let i = 0; i < 100; i++) await once();
  const perHandshake = (selfMs() - mark) / 100;
  await new Promise((resolve) => server.close(resolve));
  return perHandshake;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await cpuBreakdown();
  process.exit(0);
}
