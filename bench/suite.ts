// npm run bench:suite — the suite's own speed against its floor, per runtime and for the whole
// matrix, for both process models, measured side by side in one run on this machine. Prints
// figures; asserts nothing.
//
// floor = bare start × processes launched + the tests' own work: Σ subtest durations measured
// inside the runtime, plus the watchdog's wait for a file that hangs. The bare start is what one
// launch costs with nothing to do; the subtest durations are connects, round trips and bounded
// "must not happen" / "must happen" waits, which no runner can avoid. Whatever the wall time adds
// beyond that is the runner's overhead: building, spawning, loading bundles, collecting. The rows per
// runtime share one fixture server and one set of interop servers, started once and timed on their
// own line; the whole matrix starts its own, as a user's run does.
// The whole matrix runs its files in parallel, so its floor is the serial floor divided by the
// number of jobs, or its longest file if that is longer: no schedule can finish sooner.

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunResults } from '../records/result.ts';
import { cpuBreakdown } from './cpu.ts';
import { startFixtures } from '../echo-server/index.ts';
import { startInterop } from '../interop/index.ts';
import { postgresStartLine } from './postgres-start.ts';
import { buildBundles } from '../runners/build.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { DEFAULT_JOBS, DEFAULT_PROCESS_MODEL, PROCESS_MODELS, run, type ProcessModel } from '../runners/run.ts';
import { runtimes } from '../runners/runtimes/index.ts';
import { RuntimeUnavailable, type LocatedRuntime, type RuntimeAdapter } from '../runners/runtime.ts';

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

/** The tests' own work in a run, in ms (see the top of this file). */
function testWork(results: RunResults): number {
  const watchdog = results.files.filter((f) => f.status === 'TIMEOUT').reduce((sum, f) => sum + f.durationMs, 0);
  return results.results.reduce((sum, r) => sum + r.durationMs, 0) + watchdog;
}

const launchedIn = (results: RunResults) => results.runtimes.reduce((sum, r) => sum + (r.processes?.launched ?? results.files.length), 0);
const verdicts = (results: RunResults) => new Map(results.results.map((r) => [`${r.runtime} ${r.file} ${r.test}`, r.status]));

/** Subtests whose status differs between two runs of the same files. */
function differences(a: RunResults, b: RunResults): string[] {
  const left = verdicts(a);
  const right = verdicts(b);
  return [...new Set([...left.keys(), ...right.keys()])].filter((k) => left.get(k) !== right.get(k)).map((k) => `${k}: ${left.get(k)} vs ${right.get(k)}`);
}

async function timed(options: Parameters<typeof run>[0]): Promise<{ results: RunResults; wall: number }> {
  const started = performance.now();
  const results = await run(options);
  return { results, wall: performance.now() - started };
}

const peakRss = { value: process.memoryUsage().rss };
const sampler = setInterval(() => {
  peakRss.value = Math.max(peakRss.value, process.memoryUsage().rss);
}, 20);

const files = await discoverTestFiles();
let mark = performance.now();
const fixtures = await startFixtures();
const fixturesStartMs = performance.now() - mark;
mark = performance.now();
const interop = await startInterop();
const interopStartMs = performance.now() - mark;
const servers = { ...fixtures.addresses, interop: interop.addresses };
const workDir = await mkdtemp(path.join(os.tmpdir(), 'sc-bench-'));
const rows: string[][] = [['runtime', 'model', 'files', 'processes', 'bare start ms', 'test work ms', 'floor ms', 'wall ms', 'wall / floor']];
const notes: string[] = [];
const ids: string[] = [];
const bare = new Map<string, number>();
const longest = new Map<string, number>();
// The runtimes of a default run: the miniflare columns run only when named (or in `conformance`),
// and cost minutes per model here.
for (const adapter of runtimes.filter((r) => !r.onlyWhenNamed)) {
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
  const start = (await bareStartMs(adapter, located, workDir)) ?? 0;
  bare.set(adapter.id, start);
  // The build on its own, in a cache of its own: cold (empty cache) and warm (nothing changed).
  const savedCache = process.env.SOCKETS_CONFORMANCE_CACHE;
  process.env.SOCKETS_CONFORMANCE_CACHE = path.join(workDir, `cache-${adapter.id}`);
  const cold = await buildBundles({ target: adapter.build, connectModule: adapter.build.defaultConnect, files });
  const warm = await buildBundles({ target: adapter.build, connectModule: adapter.build.defaultConnect, files });
  if (savedCache === undefined) delete process.env.SOCKETS_CONFORMANCE_CACHE;
  else process.env.SOCKETS_CONFORMANCE_CACHE = savedCache;
  notes.push(`${adapter.id}: cold build ${cold.durationMs.toFixed(0)} ms, second build ${warm.durationMs.toFixed(0)} ms (${warm.cached ? 'from cache' : 'REBUILT'})`);

  // One file at a time, so that wall against floor is the runner's overhead and nothing else.
  // Warmed up once (build cache, file system cache), then each model in turn.
  await run({ files, runtimes: [adapter.id], jobs: 1, fixtures: servers });
  const byModel = new Map<ProcessModel, RunResults>();
  for (const model of PROCESS_MODELS) {
    const { results, wall } = await timed({ files, runtimes: [adapter.id], jobs: 1, processModel: model, fixtures: servers });
    byModel.set(model, results);
    const processes = launchedIn(results);
    const work = testWork(results);
    const floor = start * processes + work;
    const effective = results.runtimes[0]!.processes?.model ?? model;
    rows.push([adapter.id, effective === model ? model : `${model} (runs ${effective})`, String(files.length), String(processes), start.toFixed(1), String(work), floor.toFixed(0), wall.toFixed(0), (wall / floor).toFixed(2)]);
    for (const f of results.files) longest.set(adapter.id, Math.max(longest.get(adapter.id) ?? 0, f.durationMs));
  }
  const diff = differences(byModel.get('per-file')!, byModel.get('warm')!);
  notes.push(`${adapter.id}: ${diff.length === 0 ? 'the same status for every subtest in both models' : `${diff.length} subtest(s) differ between the models: ${diff.slice(0, 5).join('; ')}`}`);
}

await interop.stop();
await fixtures.stop();

// The whole matrix as a user runs it: every runtime, fixture server start included, default jobs,
// each process model.
const matrixRows: string[] = [];
const matrices = new Map<ProcessModel, RunResults>();
for (const model of PROCESS_MODELS) {
  const { results, wall } = await timed({ files, runtimes: ids, processModel: model });
  matrices.set(model, results);
  const serial = results.runtimes.reduce((sum, r) => sum + (bare.get(r.name) ?? 0) * (r.processes?.launched ?? 0), 0) + testWork(results);
  // The jobs the run chose (its CPU rule), and two floors no schedule can beat: the tests' own
  // waits spread over those jobs (or the longest file), and the run's CPU spread over the cores.
  const jobs = results.calibration?.jobs ?? DEFAULT_JOBS;
  const waitFloor = Math.max(serial / jobs, Math.max(...results.files.map((f) => f.durationMs)));
  const cpuFloor = results.calibration?.cpuMs !== undefined ? results.calibration.cpuMs / (results.calibration.cores ?? os.availableParallelism()) : 0;
  const floor = Math.max(waitFloor, cpuFloor);
  const launched = results.runtimes.map((r) => `${r.id} ${r.processes?.launched}`).join(', ');
  matrixRows.push(`whole matrix, ${model}${model === DEFAULT_PROCESS_MODEL ? ' (default)' : ''}: ${results.files.length} file runs in ${launched} processes, ${results.results.length} subtests, ${jobs} jobs: wall ${wall.toFixed(0)} ms, wait floor at ${jobs} jobs ${waitFloor.toFixed(0)} ms, CPU floor ${cpuFloor.toFixed(0)} ms, wall / larger floor ${(wall / floor).toFixed(2)} (target: <= 1.2)`);
}
const matrixDiff = differences(matrices.get('per-file')!, matrices.get('warm')!);
const postgresStart = await postgresStartLine();
clearInterval(sampler);
await rm(workDir, { recursive: true, force: true });

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log('');
console.log(`servers, started once for the rows above: fixture server ${fixturesStartMs.toFixed(0)} ms, interop servers (PostgreSQL cluster, SMTP) ${interopStartMs.toFixed(0)} ms`);
console.log(postgresStart);
for (const line of notes) console.log(line);
for (const line of matrixRows) console.log(line);
console.log(`whole matrix: ${matrixDiff.length === 0 ? 'the same status for every subtest in both models' : `${matrixDiff.length} subtest(s) differ: ${matrixDiff.slice(0, 5).join('; ')}`}`);
console.log(`peak RSS of runner + in-process fixture server: ${(peakRss.value / 1048576).toFixed(0)} MiB (target < 300 MiB)`);

// Where the CPU of a run goes (bench/cpu.ts, also `npm run bench:cpu` alone).
console.log('');
await cpuBreakdown();
process.exit(0);
