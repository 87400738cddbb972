// The order in which a run starts its files. A run's wall time is set by its longest chain of files
// in one slot, so the longest files go first and the short ones fill the gaps at the end (what Jest's
// sequencer does with the durations of the previous run). Durations come from the last run on this
// machine where there is one; otherwise the declared per-file timeout stands in for it, which puts
// the interop tier (real clients, the longest files) first.
// Runtimes are interleaved, so that one runtime's long bounded waits overlap with another's work
// instead of all landing at the end of the run.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cacheRoot } from './paths.ts';

export interface SchedulingInput {
  runtime: string;
  file: string;
  /** The file's declared timeout (meta.timeoutMs), if any. */
  declaredTimeoutMs?: number;
}

/** Wall time of each runtime × file in earlier runs on this machine, in ms. */
export type Timings = Record<string, number>;

export const timingKey = (runtime: string, file: string) => `${runtime} ${file}`;

/** The jobs in the order to start them; a pure function of its inputs. */
export function scheduleOrder<T extends SchedulingInput>(jobs: readonly T[], timings: Timings = {}): T[] {
  // Round-robin over runtimes first: equal estimates then alternate between runtimes.
  const byRuntime = new Map<string, T[]>();
  for (const job of jobs) byRuntime.set(job.runtime, [...(byRuntime.get(job.runtime) ?? []), job]);
  const interleaved: T[] = [];
  for (let i = 0; interleaved.length < jobs.length; i++) {
    for (const list of byRuntime.values()) if (i < list.length) interleaved.push(list[i]!);
  }
  const known = (job: T) => timings[timingKey(job.runtime, job.file)];
  // A file with no history is assumed long (it may be new, or the history may be from elsewhere):
  // starting it early costs little, finding out late that it was long costs its whole duration.
  const estimate = (job: T) => known(job) ?? Number.MAX_SAFE_INTEGER - 1;
  const tieBreak = (job: T) => job.declaredTimeoutMs ?? 0;
  return interleaved
    .map((job, index) => ({ job, index }))
    .sort((a, b) => estimate(b.job) - estimate(a.job) || tieBreak(b.job) - tieBreak(a.job) || a.index - b.index)
    .map(({ job }) => job);
}

const timingsFile = () => path.join(cacheRoot(), 'timings.json');

export async function readTimings(): Promise<Timings> {
  try {
    const value: unknown = JSON.parse(await readFile(timingsFile(), 'utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, ms]) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0));
  } catch {
    return {};
  }
}

/** Merges this run's durations into the history. Written to a temporary name and renamed, so that
 * runs finishing at the same time never leave a torn file (the last one wins). A history that
 * cannot be written only costs the next run its ordering. */
export async function recordTimings(measured: Timings): Promise<void> {
  if (Object.keys(measured).length === 0) return;
  try {
    const merged = { ...(await readTimings()), ...measured };
    await mkdir(cacheRoot(), { recursive: true });
    const temporary = `${timingsFile()}.${process.pid}.${Date.now()}`;
    await writeFile(temporary, JSON.stringify(merged));
    await rename(temporary, timingsFile());
  } catch {
    // The cache directory is not writable: the next run falls back to declared timeouts.
  }
}

// The number of runtime processes at once. A file's cost is the CPU time it used over the time it
// ran without waiting for a CPU (both from earlier runs on this machine, runners/cpu.ts); jobs that
// each need that share of a core, plus the runner's own share per job (the fixture server and the
// bookkeeping, which grow with the jobs), fill the cores and no more:
//   jobs = floor(cores / (file CPU + runner CPU) per uncontended second of the files), 1 to 4 per core.
// Counting only uncontended time keeps the rule from feeding on itself: an overcommitted run's
// files take longer while using the same CPU, which would otherwise read as cheaper files.
// With no history for most of the run's files the rule cannot know, and runs 2 jobs per core.

/** CPU cost of files in earlier runs on this machine. */
export interface CostHistory {
  /** Per runtime × file: CPU ms, and wall ms less the time spent waiting for a CPU. */
  files: Record<string, { cpuMs: number; runMs: number }>;
  /** CPU outside the files' own figures while files run (runner, fixture server, warm processes'
   * start-up) per ms of files running, from the last run long enough to measure it. */
  runnerShare?: number;
}

export const MAX_JOBS_PER_CORE = 4;
export const UNKNOWN_COST_JOBS_PER_CORE = 2;

export function jobsFor(keys: readonly string[], history: CostHistory, cores: number): { jobs: number; rule: string } {
  const cap = Math.min(16, MAX_JOBS_PER_CORE * cores);
  const known = keys.map((k) => history.files[k]).filter((c): c is { cpuMs: number; runMs: number } => c !== undefined && c.runMs > 0);
  if (known.length < keys.length / 2) {
    const jobs = Math.min(cap, UNKNOWN_COST_JOBS_PER_CORE * cores);
    return { jobs, rule: `${UNKNOWN_COST_JOBS_PER_CORE} per core: no CPU history for ${keys.length - known.length} of ${keys.length} files` };
  }
  const cpu = known.reduce((s, c) => s + c.cpuMs, 0);
  const run = known.reduce((s, c) => s + c.runMs, 0);
  const share = cpu / run + (history.runnerShare ?? 0);
  const jobs = Math.max(1, Math.min(cap, Math.floor(cores / Math.max(share, 1e-6))));
  return { jobs, rule: `${cores} cores / ${share.toFixed(2)} of a core per running file (CPU ÷ uncontended wall of ${known.length} files in earlier runs, runner included), at most ${MAX_JOBS_PER_CORE} per core` };
}

const costFile = () => path.join(cacheRoot(), 'cost.json');

export async function readCost(): Promise<CostHistory> {
  try {
    const value = JSON.parse(await readFile(costFile(), 'utf8')) as Partial<CostHistory>;
    const files: CostHistory['files'] = {};
    for (const [key, c] of Object.entries(value.files ?? {})) {
      if (c && Number.isFinite(c.cpuMs) && Number.isFinite(c.runMs) && c.cpuMs >= 0 && c.runMs >= 0) files[key] = { cpuMs: c.cpuMs, runMs: c.runMs };
    }
    const share = value.runnerShare;
    return { files, ...(typeof share === 'number' && Number.isFinite(share) && share >= 0 ? { runnerShare: share } : {}) };
  } catch {
    return { files: {} };
  }
}

/** Merges this run's costs into the history (same write-then-rename as the timings). */
export async function recordCost(measured: CostHistory): Promise<void> {
  if (Object.keys(measured.files).length === 0) return;
  try {
    const previous = await readCost();
    const merged: CostHistory = { files: { ...previous.files, ...measured.files }, ...(measured.runnerShare !== undefined ? { runnerShare: measured.runnerShare } : previous.runnerShare !== undefined ? { runnerShare: previous.runnerShare } : {}) };
    await mkdir(cacheRoot(), { recursive: true });
    const temporary = `${costFile()}.${process.pid}.${Date.now()}`;
    await writeFile(temporary, JSON.stringify(merged));
    await rename(temporary, costFile());
  } catch {
    // Not writable: the next run uses the default rule.
  }
}
