// npm run bench:suite — the suite's own speed against its floor, per runtime and for the whole
// matrix, measured in one run on this machine. Prints figures; asserts nothing.
//
// floor(runtime) = bare start × processes launched + Σ subtest durations measured inside the runtime.
// The bare start is what one launch costs with nothing to do; the subtest durations are the tests'
// own work and waits (connects, round trips, bounded "must not happen" windows, and the watchdog's
// wait for a file that hangs), which no runner can avoid. Whatever the wall time adds beyond that is the runner's overhead: building, spawning,
// collecting, the fixture server.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildBundles } from './build.ts';
import { discoverTestFiles } from './discover.ts';
import { run } from './run.ts';
import { runtimes } from './runtimes/index.ts';
import { RuntimeUnavailable, type LocatedRuntime, type RuntimeAdapter } from './runtime.ts';

const COLD_START_SAMPLES = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function bareStartMs(adapter: RuntimeAdapter, located: LocatedRuntime, workDir: string): Promise<number | null> {
  if (!adapter.bareStart) return null;
  const spec = await adapter.bareStart(located, workDir);
  const samples: number[] = [];
  for (let i = 0; i < COLD_START_SAMPLES; i++) {
    const started = performance.now();
    const result = spawnSync(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: 'ignore', timeout: 10_000 });
    if (result.status !== 0) throw new Error(`${adapter.id}: bare start exited with ${result.status ?? result.signal}`);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const peakRss = { value: process.memoryUsage().rss };
const sampler = setInterval(() => {
  peakRss.value = Math.max(peakRss.value, process.memoryUsage().rss);
}, 20);

const files = await discoverTestFiles();
const workDir = await mkdtemp(path.join(os.tmpdir(), 'sc-bench-'));
const rows: string[][] = [['runtime', 'files', 'processes', 'bare start ms', 'test work ms', 'floor ms', 'wall ms', 'wall / floor']];
let floorTotal = 0;
const buildRows: string[] = [];
const ids: string[] = [];
for (const adapter of runtimes) {
  let located: LocatedRuntime;
  try {
    located = await adapter.locate();
  } catch (error) {
    if (error instanceof RuntimeUnavailable) {
      rows.push([adapter.id, 'unavailable', error.message]);
      continue;
    }
    throw error;
  }
  ids.push(adapter.id);
  const bare = await bareStartMs(adapter, located, workDir);
  // The build on its own: cold (empty cache) and warm (nothing changed: served from the cache).
  process.env.SOCKETS_CONFORMANCE_CACHE = path.join(workDir, `cache-${adapter.id}`);
  const cold = await buildBundles({ target: adapter.build, connectModule: adapter.build.defaultConnect, files });
  const warm = await buildBundles({ target: adapter.build, connectModule: adapter.build.defaultConnect, files });
  buildRows.push(`${adapter.id}: cold build ${cold.durationMs.toFixed(0)} ms, second build ${warm.durationMs.toFixed(0)} ms (${warm.cached ? 'from cache' : 'REBUILT'})`);
  // Warm the build cache first, so the figure is the steady state of a repeated run; the cold
  // build is reported separately below.
  await run({ files, runtimes: [adapter.id], jobs: 1 });
  const started = performance.now();
  const results = await run({ files, runtimes: [adapter.id], jobs: 1 });
  const wall = performance.now() - started;
  // A file that hangs waits for its watchdog: that wait is the test's (it cannot be known sooner).
  const watchdog = results.files.filter((f) => f.status === 'TIMEOUT').reduce((sum, f) => sum + f.durationMs, 0);
  const work = results.results.reduce((sum, r) => sum + r.durationMs, 0) + watchdog;
  if (watchdog > 0) buildRows.push(`${adapter.id}: ${results.files.filter((f) => f.status === 'TIMEOUT').length} file(s) ran into the watchdog (${watchdog} ms counted as test work)`);
  const processes = results.files.length;
  const floor = (bare ?? 0) * processes + work;
  floorTotal += floor;
  rows.push([adapter.id, String(files.length), String(processes), bare?.toFixed(1) ?? 'n/a', String(work), floor.toFixed(0), wall.toFixed(0), (wall / floor).toFixed(2)]);
}

// The whole matrix as a user runs it: every runtime, fixture server start included, default jobs.
const matrixStarted = performance.now();
const matrix = await run({ files, runtimes: ids });
const matrixWall = performance.now() - matrixStarted;
clearInterval(sampler);
await rm(workDir, { recursive: true, force: true });

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log('');
for (const line of buildRows) console.log(line);
console.log(`whole matrix (${ids.join(', ')}; ${matrix.files.length} file runs, ${matrix.results.length} subtests, default jobs, fixture start included): wall ${matrixWall.toFixed(0)} ms, serial floor ${floorTotal.toFixed(0)} ms, wall / floor ${(matrixWall / floorTotal).toFixed(2)} (targets: <= 1.5, <= 20000 ms)`);
console.log(`peak RSS of runner + in-process fixture server: ${(peakRss.value / 1048576).toFixed(0)} MiB (target < 300 MiB)`);
