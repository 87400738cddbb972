// The host side of a run: starts the fixture server, locates and builds for each runtime, launches
// every test file, and turns whatever happened into result records. A runtime that crashes or hangs
// costs that file's results, never the run.

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Fixtures } from '../echo-server/index.ts';
import type { InteropFixtures } from '../interop/index.ts';
import type { FigureDetails, HarnessMessage, PerfPlan } from '../records/channel.ts';
import type { FixtureAddresses } from '../records/fixtures.ts';
import { DRAFT } from '../records/draft.ts';
import { SCHEMA_VERSION, type FileRecord, type PerfRecord, type ResultRecord, type RunResults, type RuntimeRecord } from '../records/result.ts';
import { buildBundles, BuildError } from './build.ts';
import type { TestFile } from './discover.ts';
import { classifyFile, launch, type ProcessOutcome } from './launch.ts';
import { runtimes, findRuntime } from './runtimes/index.ts';
import { WarmPool } from './warm.ts';
import { jobsFor, readCost, readTimings, recordCost, recordTimings, scheduleOrder, timingKey, UNKNOWN_COST_JOBS_PER_CORE, type CostHistory, type Timings } from './schedule.ts';
import { measureMachine, REFERENCE_START_CPU_MS, scaleFor, watchEventLoop } from './calibrate.ts';
import { runCpuMs } from './cpu.ts';
import { RuntimeUnavailable, type LaunchRequest, type LocatedRuntime, type RuntimeAdapter, type WarmLaunchRequest } from './runtime.ts';
import { suiteVersion } from './version.ts';
import { parseVersionRequest, provideVersion } from './runtime-cache.ts';

/** A problem with the user's input or environment: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

// Every file finishes in well under a second on a healthy runtime; the watchdog is for the unhealthy.
export const DEFAULT_FILE_TIMEOUT_MS = 5_000;

/** Files' running time a run needs before its overhead share replaces the one in the history. */
const MIN_RUN_MS_FOR_SHARE = 20_000;

// Runtime processes at once, when --jobs does not say: as many as the cores can carry, from the
// CPU cost of the run's files in earlier runs on this machine (runners/schedule.ts: jobsFor). More
// jobs than that made runs slower and red (issue 14: 8 jobs on a slow 2-core machine). This is the
// figure without any history: 2 per core.
export const DEFAULT_JOBS = Math.min(16, UNKNOWN_COST_JOBS_PER_CORE * os.availableParallelism());

export const PROCESS_MODELS: readonly ProcessModel[] = ['per-file', 'warm'];
export type ProcessModel = NonNullable<RuntimeRecord['processes']>['model'];
export const DEFAULT_PROCESS_MODEL: ProcessModel = 'warm';

export interface RunOptions {
  files: TestFile[];
  /** Runtime ids (or adapters, for tests of the runner itself); undefined means every runtime
   * available here. */
  runtimes?: (string | RuntimeAdapter)[];
  /** The runtimes "every available runtime" means (default: the registry); for the runner's own tests. */
  availableRuntimes?: readonly RuntimeAdapter[];
  /** With no runtimes named: also the runtimes that otherwise run only when named (`conformance`). */
  includeOnlyWhenNamed?: boolean;
  /** Path of a module exporting `connect`, used instead of each runtime's default. */
  impl?: string;
  timeoutMs?: number;
  timeoutMultiplier?: number;
  /** How many runtime processes run at once. */
  jobs?: number;
  /** An already running fixture server; otherwise one is started (and stopped) for the run. */
  fixtures?: FixtureAddresses;
  /** Called once the runtimes are known, before any file runs: each runtime row and how many files it will run. */
  onStart?: (plan: { runtime: string; files: number }[]) => void;
  /** One line for the user that is not a result: why PostgreSQL is missing, a warm process given up
   * for a process per file; default: stderr. */
  onNotice?: (line: string) => void;
  /** Called after every file, for progress output. */
  onFile?: (file: FileRecord, results: ResultRecord[]) => void;
  /** Set to stop launching new files (e.g. on SIGINT); files not run are listed in the results. */
  signal?: AbortSignal;
  /** Warm processes that run files one after another where the runtime has a warm host
   * (runners/warm.ts; the default), or one runtime process per file. */
  processModel?: ProcessModel;
  /** For the performance tier's files: how much each figure measures (handed to the harness). */
  perf?: PerfPlan;
  /** Lines for the user about the run's preparation (a runtime version being installed from npm). */
  onNote?: (line: string) => void;
}

interface RuntimePlan {
  adapter: RuntimeAdapter;
  located: LocatedRuntime;
  record: RuntimeRecord;
  /** Runtime processes started for files, warm ones included. */
  launched: number;
  /** A warm process of this runtime failed to start: the rest of its files get a process each;
   * why, in words. */
  warmFailed?: string;
}

export async function run(options: RunOptions): Promise<RunResults> {
  const startedAt = new Date().toISOString();
  const { plans, unavailable } = await planRuntimes(options.runtimes, options.impl, (options.availableRuntimes ?? runtimes).filter((r) => options.includeOnlyWhenNamed || !r.onlyWhenNamed), options.onNote);
  const connectOverride = options.impl ? await resolveImpl(options.impl) : undefined;

  let fixtures: Fixtures | undefined;
  // Loaded when needed: the servers' modules (certificates, SMTP, PostgreSQL client) are a good part
  // of the start-up time of every command that imports the runner.
  let addresses = options.fixtures ?? (fixtures = await (await import('../echo-server/index.ts')).startFixtures()).addresses;
  // The interop tier's real servers (PostgreSQL, SMTP) start only for runs that include it.
  let interop: InteropFixtures | undefined;
  const notice = options.onNotice ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!addresses.interop && options.files.some((f) => f.meta.tier === 'interop')) {
    try {
      interop = await (await import('../interop/index.ts')).startInterop();
    } catch (error) {
      await fixtures?.stop();
      throw error;
    }
    addresses = { ...addresses, interop: interop.addresses };
    if (interop.addresses.postgresUnavailable) notice(`interop tier: ${interop.addresses.postgresUnavailable}; its PostgreSQL scenarios are PRECONDITION_FAILED`);
  }
  const runStarted = performance.now();
  const cpuAtStart = runCpuMs();
  // The machine's figures, before any runtime process adds its load (runners/calibrate.ts).
  let figures;
  try {
    figures = await measureMachine(addresses);
  } catch (error) {
    await fixtures?.stop();
    await interop?.stop();
    throw error;
  }
  const scale = options.timeoutMultiplier ?? scaleFor(figures);
  const cores = os.availableParallelism();
  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'sockets-conformance-run-'));
  const caFile = path.join(workRoot, 'fixture-ca.pem');
  // Runtimes trust this file; the interop servers have a CA of their own.
  await writeFile(caFile, addresses.caCertificate + (addresses.interop?.caCertificate ?? ''));

  const results: ResultRecord[] = [];
  const files: FileRecord[] = [];
  const perf: PerfRecord[] = [];
  const notRun: string[] = [];
  const measured: Timings = {};
  const cost: CostHistory = { files: {} };
  let starvedMs = 0;
  const fileKeys = plans.flatMap((p) => options.files.map((f) => timingKey(p.record.id, f.file)));
  const chosen = options.jobs !== undefined ? { jobs: options.jobs, rule: '--jobs' } : jobsFor(fileKeys, await readCost(), cores);
  const jobCount = chosen.jobs;
  const loop = watchEventLoop();
  // Idle warm processes of every runtime may wait beside the busy ones.
  const warmPool = (options.processModel ?? DEFAULT_PROCESS_MODEL) === 'warm' ? new WarmPool(jobCount + plans.length) : undefined;
  try {
    const jobs: { runtime: string; file: string; bundle: string; declaredTimeoutMs?: number; start: () => Promise<void> }[] = [];
    // Runtimes that share a build target (node, deno, bun) share its bundles: built, or checked
    // against the cache, once per run.
    const builds = new Map<string, ReturnType<typeof buildBundles>>();
    for (const plan of plans) {
      const request = { target: plan.adapter.build, connectModule: connectOverride ?? plan.adapter.build.defaultConnect, files: options.files };
      const buildKey = JSON.stringify([request.target, request.connectModule]);
      if (!builds.has(buildKey)) builds.set(buildKey, buildBundles(request));
      const build = await builds.get(buildKey)!.catch((error: unknown) => {
        if (error instanceof BuildError && connectOverride && error.message.includes(path.basename(connectOverride))) {
          throw new UsageError(`--impl ${options.impl}: ${error.message.replace(/^cannot bundle the tests: /, '')}`);
        }
        throw error;
      });
      const workDir = await mkdtemp(path.join(workRoot, `${plan.adapter.id}-`));
      for (const testFile of options.files) {
        jobs.push({ runtime: plan.record.id, file: testFile.file, bundle: build.bundles.get(testFile.file)!, declaredTimeoutMs: testFile.meta.timeoutMs, start: async () => {
          if (options.signal?.aborted) {
            notRun.push(`${plan.record.id}: ${testFile.file}`);
            return;
          }
          const timeoutMs = Math.round((options.timeoutMs ?? testFile.meta.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS) * scale * (plan.adapter.timeoutFactor ?? 1));
          const nonce = randomUUID();
          const context = { nonce, fixtures: addresses, runtime: plan.record.id, windowScale: scale, ...(options.perf ? { perf: options.perf } : {}) };
          let outcome: ProcessOutcome;
          try {
            const request = { located: plan.located, bundle: build.bundles.get(testFile.file)!, context, fixtures: addresses, workDir, caFile };
            outcome = await runInProcess(plan, request, build, timeoutMs, warmPool, notice);
          } catch (error) {
            // Our own failure to launch costs this file only.
            outcome = { messages: [], outputTail: `runner error: ${(error as Error).message}`, exitCode: null, signal: null, timedOut: false, malformed: 0, durationMs: 0 };
          }
          if (options.signal?.aborted) {
            outcome.outputTail = `${outcome.outputTail}\n[interrupted: the run received ${String(options.signal.reason)} while this file was running]`.trim();
            notRun.push(`${plan.record.id}: ${testFile.file} (interrupted)`);
          }
          const { file, subtests } = toRecords(plan.record.id, testFile, outcome);
          if (options.signal?.aborted) file.message = `interrupted by ${String(options.signal.reason)}: ${file.message ?? ''}`.trim();
          files.push(file);
          results.push(...subtests);
          for (const m of outcome.messages) if (m.type === 'figure' && Number.isFinite(m.value)) perf.push(toPerfRecord(plan.record.id, m));
          measured[timingKey(file.runtime, file.file)] = file.durationMs;
          starvedMs += outcome.starvedMs ?? 0;
          // A file cut short by its watchdog says nothing about what it costs when it runs.
          if (outcome.cpuMs !== undefined && !outcome.timedOut) {
            cost.files[timingKey(file.runtime, file.file)] = { cpuMs: outcome.cpuMs, runMs: Math.max(1, file.durationMs - (outcome.starvedMs ?? 0)) };
          }
          options.onFile?.(file, subtests);
        } });
      }
    }
    // After the builds: a module that does not bundle is a usage error, with nothing shown before it.
    options.onStart?.(plans.map((p) => ({ runtime: p.record.id, files: options.files.length })));
    const ordered = scheduleOrder(jobs, await readTimings());
    // A warm process that loads its files at start-up takes a share of its runtime's files
    // (runners/warm.ts: WarmPool.expect).
    for (const plan of plans) warmPool?.expect(plan.record.id, ordered.filter((job) => job.runtime === plan.record.id).map((job) => job.bundle), jobCount);
    // The next job in order, or another file of the same runtime where warm processes that load
    // their files at start-up make that cheaper: first a file an idle one has loaded, else, if a
    // busy one has loaded this file, the first file that none has (rather than load it twice).
    const next = () => {
      const head = ordered[0];
      if (!head) return undefined;
      let at = 0;
      if (warmPool) {
        const held = warmPool.nextHeldByIdle(head.runtime);
        const sameRuntime = (test: (job: (typeof ordered)[number]) => boolean) => ordered.findIndex((job) => job.runtime === head.runtime && test(job));
        if (held !== undefined) at = sameRuntime((job) => job.bundle === held);
        else if (warmPool.isHeld(head.runtime, head.bundle)) at = sameRuntime((job) => !warmPool.isHeld(job.runtime, job.bundle));
      }
      return ordered.splice(Math.max(0, at), 1)[0]!.start;
    };
    // The CPU spent while files run, beside the files' own: what grows with the jobs (the runner
    // and its fixture server at work, warm processes' start-up), without the run's fixed costs.
    const poolCpuStart = runCpuMs();
    await pool(next, jobCount);
    await warmPool?.close();
    const poolCpuEnd = runCpuMs();
    await recordTimings(measured);
    const fileCpu = Object.values(cost.files).reduce((s, c) => s + c.cpuMs, 0);
    const fileRunMs = Object.values(cost.files).reduce((s, c) => s + c.runMs, 0);
    // A handful of files says too little about the rest to replace what a bigger run measured.
    if (fileRunMs >= MIN_RUN_MS_FOR_SHARE && poolCpuStart !== null && poolCpuEnd !== null && !options.signal?.aborted) {
      cost.runnerShare = Math.round((Math.max(0, poolCpuEnd - poolCpuStart - fileCpu) / fileRunMs) * 1000) / 1000;
    }
    await recordCost(cost);
  } finally {
    await warmPool?.close();
    await rm(workRoot, { recursive: true, force: true });
    await fixtures?.stop();
    await interop?.stop();
  }

  const order = new Map(plans.map((p, i) => [p.record.id, i]));
  const byRuntimeThenFile = <T extends { runtime: string; file: string }>(a: T, b: T) =>
    (order.get(a.runtime)! - order.get(b.runtime)!) || a.file.localeCompare(b.file);
  files.sort(byRuntimeThenFile);
  results.sort(byRuntimeThenFile);
  const cpuAtEnd = runCpuMs();
  const calibration: RunResults['calibration'] = {
    scale,
    scaleSource: options.timeoutMultiplier !== undefined ? '--timeout-multiplier' : 'measured',
    runtimeStartMs: figures.runtimeStartMs,
    ...(figures.runtimeStartCpuMs !== null ? { runtimeStartCpuMs: figures.runtimeStartCpuMs } : {}),
    referenceStartCpuMs: REFERENCE_START_CPU_MS,
    loopbackRoundTripMs: figures.loopbackRoundTripMs,
    eventLoopDelayMs: loop.stop(),
    jobs: jobCount,
    jobsRule: chosen.rule,
    cores,
    ...(cpuAtStart !== null && cpuAtEnd !== null ? { cpuMs: Math.round(cpuAtEnd - cpuAtStart) } : {}),
    wallMs: Math.round(performance.now() - runStarted),
    ...(cpuAtStart !== null ? { starvedMs: Math.round(starvedMs) } : {}),
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    startedAt,
    finishedAt: new Date().toISOString(),
    suiteVersion: await suiteVersion(),
    draft: { ...DRAFT },
    runtimes: plans.map((p) => ({
      ...p.record,
      processes: {
        model: warmPool && p.adapter.launchWarm && !p.warmFailed ? 'warm' : 'per-file',
        launched: p.launched + (warmPool?.spawned.get(p.record.id) ?? 0),
        ...(warmPool?.loaded.has(p.record.id) ? { loaded: warmPool.loaded.get(p.record.id)! } : {}),
        ...(p.warmFailed ? { fallback: p.warmFailed } : {}),
      },
    })),
    host: { os: os.platform(), arch: os.arch(), release: os.release() },
    results,
    files,
    ...(perf.length > 0 ? { perf } : {}),
    unavailable,
    interrupted: options.signal?.aborted ? { signal: String(options.signal.reason ?? 'aborted'), filesNotRun: notRun } : null,
    calibration,
  };
}

/** Runs one file in a warm process of its runtime where the model and the runtime allow it, else in
 * a process of its own. */
async function runInProcess(plan: RuntimePlan, request: LaunchRequest, build: WarmLaunchRequest['build'], timeoutMs: number, warmPool: WarmPool | undefined, notice: (line: string) => void): Promise<ProcessOutcome> {
  const { launchWarm } = plan.adapter;
  if (warmPool && launchWarm && !plan.warmFailed) {
    const { located, fixtures, workDir, caFile } = request;
    const warm = await warmPool.acquire(plan.record.id, request.bundle, (bundles) => launchWarm({ located, fixtures, workDir, caFile, build, bundles }));
    let outcome: ProcessOutcome;
    try {
      outcome = await warm.runFile(request.bundle, request.context, timeoutMs);
    } finally {
      warmPool.release(warm);
    }
    if (!warm.failedToStart) return outcome;
    // A warm process that could not even start (workerd evaluates each file of its share at
    // start-up, so one file that throws at load stops them all) would cost every file it is given:
    // this runtime goes on with a process per file, and this file runs again in one.
    if (!plan.warmFailed) {
      plan.warmFailed = warm.startFailure;
      notice(`${plan.record.id}: leaving the warm process model, each remaining file gets a process of its own: the warm process failed to start: ${warm.startFailure}`);
    }
  }
  plan.launched++;
  return launch(await plan.adapter.launch(request), request.context.nonce, timeoutMs);
}

async function planRuntimes(requested: (string | RuntimeAdapter)[] | undefined, impl: string | undefined, available: readonly RuntimeAdapter[], onNote?: (line: string) => void) {
  const explicit = requested !== undefined;
  const adapters: RuntimeAdapter[] = [];
  for (const id of explicit ? requested : available) {
    if (typeof id !== 'string') adapters.push(id);
    else adapters.push(await resolveRuntime(id, onNote));
  }
  const plans: RuntimePlan[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  for (const adapter of adapters) {
    let located: LocatedRuntime;
    try {
      located = await adapter.locate();
    } catch (error) {
      if (!(error instanceof RuntimeUnavailable)) throw error;
      if (explicit) fail(error.message);
      unavailable.push({ name: adapter.id, reason: error.message });
      continue;
    }
    const implName = impl ? path.basename(impl).replace(/\.[cm]?[jt]s$/, '').replace(/^index$/, path.basename(path.dirname(impl))) : null;
    plans.push({
      adapter,
      located,
      record: {
        id: implName ? `${adapter.id}+${implName}` : adapter.id,
        name: adapter.family ?? adapter.id,
        version: located.version,
        impl: impl ?? null,
        source: located.source,
        details: located.details,
      },
      launched: 0,
    });
  }
  return { plans, unavailable };
}

/** A runtime named on the command line: a known id, or `NAME@VERSION` installed from npm. */
export async function resolveRuntime(text: string, onNote?: (line: string) => void): Promise<RuntimeAdapter> {
  const request = parseVersionRequest(text);
  const name = request?.name ?? text;
  const base = findRuntime(name) ?? fail(`unknown runtime "${name}"; known runtimes: ${runtimes.map((r) => r.id).join(', ')}${request ? '' : ' (a version from npm: NAME@VERSION, e.g. node@22)'}`);
  return request ? provideVersion(base, request, { progress: onNote }) : base;
}

async function resolveImpl(impl: string): Promise<string> {
  const absolute = path.resolve(impl);
  try {
    await access(absolute);
  } catch {
    fail(`--impl ${impl}: no such file`);
  }
  return absolute;
}

function fail(message: string): never {
  throw new UsageError(message);
}

/** Joins what the process reported with what the file declares, so every declared subtest gets a
 * record even when the runtime died before reaching it. */
export function toRecords(runtime: string, testFile: TestFile, outcome: ProcessOutcome): { file: FileRecord; subtests: ResultRecord[] } {
  const verdict = classifyFile(outcome);
  const declared = new Map(testFile.subtests.map((s) => [s.name, s]));
  const records: ResultRecord[] = [];
  const reported = new Set<string>();
  for (const message of outcome.messages) {
    if (message.type !== 'result' || reported.has(message.test)) continue;
    reported.add(message.test);
    const info = declared.get(message.test);
    records.push({
      runtime,
      file: testFile.file,
      test: message.test,
      anchors: info?.anchors ?? testFile.meta.anchors,
      level: info?.level ?? testFile.meta.level,
      status: message.status,
      message: info ? message.message : `not declared in the file's meta; ${message.message ?? ''}`.trim(),
      durationMs: message.durationMs,
      requirements: info?.requirements ?? [],
      tier: testFile.meta.tier ?? 'spec',
      ...(info && info.upstream.length > 0 ? { upstream: info.upstream } : {}),
    });
  }
  // Subtests run one after another in declaration order, so on a timeout the first unfinished one
  // is the one that hung; the rest never started.
  let firstUnfinished = true;
  for (const info of testFile.subtests) {
    if (reported.has(info.name)) continue;
    let status: ResultRecord['status'];
    let message: string;
    if (verdict.status === 'TIMEOUT') {
      status = firstUnfinished ? 'TIMEOUT' : 'NOTRUN';
      message = firstUnfinished ? 'still running when the file timed out' : 'not reached before the file timed out';
    } else if (verdict.status === 'CRASH') {
      status = 'CRASH';
      message = `not finished when the runtime died: ${verdict.message}`;
    } else {
      status = 'NOTRUN';
      message = verdict.status === 'OK' ? 'declared in meta but never registered by the file' : `not run: ${verdict.message}`;
    }
    firstUnfinished = false;
    records.push({ runtime, file: testFile.file, test: info.name, anchors: info.anchors, level: info.level, status, message, durationMs: 0, requirements: info.requirements, tier: testFile.meta.tier ?? 'spec', ...(info.upstream.length > 0 ? { upstream: info.upstream } : {}) });
  }
  const file: FileRecord = {
    runtime,
    file: testFile.file,
    status: verdict.status,
    message: outcome.malformed > 0 ? `${verdict.message ?? ''} (${outcome.malformed} malformed result line(s) ignored)`.trim() : verdict.message,
    durationMs: outcome.durationMs,
    exit: { code: outcome.exitCode, signal: outcome.signal },
  };
  if (verdict.status !== 'OK' && outcome.outputTail) file.outputTail = outcome.outputTail;
  return { file, subtests: records };
}

/** A figure as the runtime reported it, keeping only the fields a PerfRecord has (the runtime could
 * send anything on the channel). */
function toPerfRecord(runtime: string, m: Extract<HarnessMessage, { type: 'figure' }>): PerfRecord {
  const record: PerfRecord = { runtime, metric: String(m.metric), unit: String(m.unit), value: Number(m.value) };
  const details: Partial<FigureDetails> = m.details ?? {};
  if (details.better === 'higher' || details.better === 'lower') record.better = details.better;
  if (typeof details.samples === 'number') record.samples = details.samples;
  if (typeof details.note === 'string') record.note = details.note;
  return record;
}

/** Runs jobs, `size` at a time, taking each from `next` when a place is free. */
async function pool(next: () => (() => Promise<void>) | undefined, size: number): Promise<void> {
  const worker = async () => {
    for (let job = next(); job; job = next()) await job();
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, worker));
}
