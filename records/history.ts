// A runtime's history: the same suite run over several versions of one runtime (`sockets-conformance
// history`), and, per subtest and per catalogue entry, when it first passed, where a pass turned
// into a failure, and whether it went back and forth. Pure: runs in, history out; the runs
// themselves are ordinary results.json content, kept one file per version so a history resumes.

import type { Level, ResultRecord, RunResults, SubtestStatus } from './result.ts';

export const HISTORY_SCHEMA_VERSION = 1;

/** One version's column of a history. */
export interface HistoryVersion {
  /** The npm version (`1.20250604.0`, `22.23.5`), the key versions are ordered by. */
  version: string;
  /** The column id its run used (`workerd@1.20250604.0`). */
  id: string;
  /** What the runtime calls itself at that version (workerd: its compatibility date). */
  runtimeVersion: string;
  /** When that version came out, where known: for workerd the date in its version number, else the
   * registry's publication time. */
  publishedAt?: string;
}

/** What happened between two neighbouring versions. */
export interface Transition {
  /** The last version where it passed. */
  from: string;
  /** The next version run, where it no longer passed. */
  to: string;
}

/** The life of one thing (a subtest or a catalogue entry) across the versions. */
export interface Timeline {
  /** Per version, in the order of HistoryResults.versions; null where it was not run. */
  statuses: (SubtestStatus | 'PARTIAL' | null)[];
  /** The oldest version where it passed. */
  firstPass: string | null;
  /** The oldest version from which it passes in every later version run (null: not passing in the newest). */
  passingSince: string | null;
  /** Pass → not pass between neighbouring versions run. */
  regressions: Transition[];
  /** Passed, stopped and passed again (or the reverse), i.e. at least two changes between pass and not pass. */
  flapping: boolean;
}

export interface SubtestHistory extends Timeline {
  file: string;
  test: string;
  level: Level;
  requirements: string[];
}

/** A catalogue entry passes at a version when every subtest covering it does (PARTIAL: some do). */
export interface EntryHistory extends Timeline {
  id: string;
  level: Level;
}

/** The content of history.json. */
export interface HistoryResults {
  schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  /** The runtime's adapter id (`workerd`, `node`). */
  runtime: string;
  /** Oldest first. */
  versions: HistoryVersion[];
  subtests: SubtestHistory[];
  entries: EntryHistory[];
  /** The selector the versions came from, as typed. */
  selector?: string;
  /** Per version: the suite run's duration and the machine's load average when it started. */
  cost?: { version: string; installMs: number; runMs: number; loadAverage: number }[];
  /** Versions that could not be installed or run here (e.g. the registry has no build for this
   * platform), with the reason; a month's earlier release stands in where there is one. */
  skipped?: { version: string; reason: string }[];
}

/** Numeric order of dotted versions (records/ cannot import the runner's copy). */
function byVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const pb = b.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The timeline of a sequence of statuses, oldest first. */
export function timeline(statuses: Timeline['statuses'], versions: readonly string[]): Timeline {
  const passes = statuses.map((s) => (s === null ? null : s === 'PASS'));
  const run = passes.map((p, i) => ({ p, v: versions[i]! })).filter((x) => x.p !== null) as { p: boolean; v: string }[];
  const firstPass = run.find((x) => x.p)?.v ?? null;
  let passingSince: string | null = null;
  for (let i = run.length - 1; i >= 0 && run[i]!.p; i--) passingSince = run[i]!.v;
  const regressions: Transition[] = [];
  let changes = 0;
  for (let i = 1; i < run.length; i++) {
    if (run[i - 1]!.p !== run[i]!.p) changes++;
    if (run[i - 1]!.p && !run[i]!.p) regressions.push({ from: run[i - 1]!.v, to: run[i]!.v });
  }
  return { statuses, firstPass, passingSince, regressions, flapping: changes >= 2 };
}

/** Builds a history from one run per version (each with a single runtime column). `levels` gives
 * each catalogue entry's level (tests/requirements.ts; records/ imports nothing above it). */
export function buildHistory(runtime: string, runs: { version: HistoryVersion; results: RunResults }[], levels: ReadonlyMap<string, Level>): HistoryResults {
  const ordered = [...runs].sort((a, b) => byVersion(a.version.version, b.version.version));
  const versions = ordered.map((r) => r.version);
  const names = versions.map((v) => v.version);
  const subtests = new Map<string, { info: ResultRecord; statuses: (SubtestStatus | null)[] }>();
  ordered.forEach((r, i) => {
    for (const record of r.results.results) {
      const key = `${record.file}\u0000${record.test}`;
      let entry = subtests.get(key);
      if (!entry) subtests.set(key, (entry = { info: record, statuses: names.map(() => null) }));
      entry.statuses[i] = record.status;
    }
  });
  const subtestHistories: SubtestHistory[] = [...subtests.values()]
    .sort((a, b) => a.info.file.localeCompare(b.info.file) || a.info.test.localeCompare(b.info.test))
    .map(({ info, statuses }) => ({ file: info.file, test: info.test, level: info.level, requirements: info.requirements ?? [], ...timeline(statuses, names) }));

  const byEntry = new Map<string, SubtestHistory[]>();
  for (const s of subtestHistories) for (const id of s.requirements) byEntry.set(id, [...(byEntry.get(id) ?? []), s]);
  const entries: EntryHistory[] = [...byEntry.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, covering]) => {
    const statuses = names.map((_, i) => {
      const seen = covering.map((s) => s.statuses[i]).filter((s) => s !== null);
      if (seen.length === 0) return null;
      const passed = seen.filter((s) => s === 'PASS').length;
      return passed === seen.length ? 'PASS' : passed > 0 ? 'PARTIAL' : 'FAIL';
    }) as Timeline['statuses'];
    return { id, level: levels.get(id) ?? covering[0]!.level, ...timeline(statuses, names) };
  });
  return { schemaVersion: HISTORY_SCHEMA_VERSION, runtime, versions, subtests: subtestHistories, entries };
}
