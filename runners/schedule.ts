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
