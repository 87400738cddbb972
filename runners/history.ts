// `sockets-conformance history`: the suite over several versions of one runtime, one version at a
// time, each version's results kept as its own results file under `<out>/runs/`, so an interrupted
// history resumes where it stopped and a longer one reuses what ran before. The analysis is
// records/history.ts; the versions come from npm through the runtime cache.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHistory, type HistoryResults, type HistoryVersion } from '../records/history.ts';
import type { FixtureAddresses } from '../records/fixtures.ts';
import type { Level, RunResults } from '../records/result.ts';
import { requirements } from '../tests/requirements.ts';
import type { TestFile } from './discover.ts';
import { provideVersion, releaseDate, resolveVersions, RuntimeVersionError, type Npm } from './runtime-cache.ts';
import { findRuntime, runtimes } from './runtimes/index.ts';
import { run, UsageError } from './run.ts';
import type { RuntimeAdapter } from './runtime.ts';

export interface HistoryOptions {
  runtime: string;
  /** Versions as typed (exact or prefix), or... */
  versions?: string[];
  /** ...the newest N months' last release. */
  lastPerMonth?: number;
  files: TestFile[];
  /** Folder for runs/ and the history files. */
  out: string;
  fixtures: FixtureAddresses;
  jobs?: number;
  timeoutMultiplier?: number;
  signal?: AbortSignal;
  onNote?: (line: string) => void;
  npm?: Npm;
}

/** Where one version's results are kept. */
export const runFile = (out: string, id: string) => path.join(out, 'runs', `${id}.json`);

export async function runHistory(options: HistoryOptions): Promise<HistoryResults> {
  const base = findRuntime(options.runtime) ?? fail(`history: unknown runtime "${options.runtime}"; known runtimes: ${runtimes.filter((r) => r.fromNpm).map((r) => r.id).join(', ')}`);
  if (!base.fromNpm) fail(`history: ${base.id} has no versions on npm (runtimes with versions: ${runtimes.filter((r) => r.fromNpm).map((r) => r.id).join(', ')})`);
  const { versions, time, fallbacks } = await resolveVersions(base, { versions: options.versions, lastPerMonth: options.lastPerMonth }, options.npm);
  if (versions.length === 0) fail('history: the selector picks no version');
  options.onNote?.(`history of ${base.id}: ${versions.join(', ')}`);
  await mkdir(path.join(options.out, 'runs'), { recursive: true });

  const runs: { version: HistoryVersion; results: RunResults }[] = [];
  const cost: NonNullable<HistoryResults['cost']> = [];
  const skipped: NonNullable<HistoryResults['skipped']> = [];
  for (const wanted of versions) {
    if (options.signal?.aborted) break;
    for (const version of [wanted, ...(fallbacks[wanted] ?? [])]) {
      const outcome = await runVersion(base, version, options, time).catch((error: unknown) => {
        if (!(error instanceof RuntimeVersionError)) throw error;
        skipped.push({ version, reason: error.message });
        options.onNote?.(`${base.id}@${version}: skipped (${error.message})`);
        return undefined;
      });
      if (!outcome) continue;
      if (outcome === 'interrupted') break;
      runs.push(outcome.run);
      if (outcome.cost) cost.push(outcome.cost);
      break;
    }
  }
  const levels = new Map<string, Level>(requirements.map((r) => [r.id, r.level]));
  const history = buildHistory(base.id, runs, levels);
  history.selector = options.lastPerMonth !== undefined ? `last ${options.lastPerMonth}, one per month` : (options.versions ?? []).join(',');
  if (cost.length > 0) history.cost = cost;
  if (skipped.length > 0) history.skipped = skipped;
  return history;
}

type VersionOutcome = { run: { version: HistoryVersion; results: RunResults }; cost?: NonNullable<HistoryResults['cost']>[number] } | 'interrupted';

/** One version: its kept results, or a fresh run (installing the version first). */
async function runVersion(base: RuntimeAdapter, version: string, options: HistoryOptions, time: Record<string, string>): Promise<VersionOutcome> {
  const id = `${base.id}@${version}`;
  const file = runFile(options.out, id);
  let results = await readFile(file, 'utf8').then((t) => JSON.parse(t) as RunResults, () => undefined);
  let cost: NonNullable<HistoryResults['cost']>[number] | undefined;
  if (results && sameFiles(results, options.files)) {
    options.onNote?.(`${id}: kept from ${file}`);
  } else {
    const loadAverage = os.loadavg()[0]!;
    const installStarted = performance.now();
    const adapter = await provideVersion(base, { name: base.id, version }, { npm: options.npm, progress: options.onNote });
    await adapter.locate();
    const installMs = Math.round(performance.now() - installStarted);
    const runStarted = performance.now();
    results = await run({ files: options.files, runtimes: [adapter], fixtures: options.fixtures, jobs: options.jobs, timeoutMultiplier: options.timeoutMultiplier, signal: options.signal });
    const runMs = Math.round(performance.now() - runStarted);
    if (results.interrupted) return 'interrupted';
    await writeFile(file, JSON.stringify(results, null, 2) + '\n');
    cost = { version, installMs, runMs, loadAverage: Math.round(loadAverage * 10) / 10 };
    options.onNote?.(`${id}: ran in ${(runMs / 1000).toFixed(1)} s (install / locate ${(installMs / 1000).toFixed(1)} s, load average ${loadAverage.toFixed(1)})`);
  }
  const released = releaseDate(version, time);
  return { run: { version: { version, id, runtimeVersion: results.runtimes[0]!.version, ...(released ? { publishedAt: released } : {}) }, results }, ...(cost ? { cost } : {}) };
}

/** A kept run counts only for the same selection of files (a --filter changes what ran). */
function sameFiles(results: RunResults, files: TestFile[]): boolean {
  const ran = new Set(results.files.map((f) => f.file));
  return ran.size === files.length && files.every((f) => ran.has(f.file));
}

function fail(message: string): never {
  throw new UsageError(message);
}
