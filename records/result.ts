// The result record: the one type that every run writes and every reporter reads.
// Field names are part of the public contract (other tools read results.json): add, never rename.

import type { DraftRef } from './draft.ts';

export const SCHEMA_VERSION = 1;

/** How much weight a subtest carries: `required` (the draft states it), `optional` (the draft says
 * may / should, or leaves it open), `informational` (observed behaviour, shown but never judged),
 * `tentative` (behaviour of an open proposal not yet in the draft, like web-platform-tests'
 * `.tentative` files: shown in every output, never judged, never counted in a score or badge). */
export type Level = 'required' | 'optional' | 'informational' | 'tentative';
export const LEVELS: readonly Level[] = ['required', 'optional', 'informational', 'tentative'];
/** Whether a subtest of this level is judged against expectations: tentative and informational ones
 * are shown, never judged. The one place that rule is written. */
export const isJudgedLevel = (level: Level): boolean => level === 'required' || level === 'optional';

/** What a subtest came to. The first five are testharness.js's own; CRASH is assigned by the runner
 * to subtests that had not finished when the runtime process died, SKIP to subtests an expectations
 * file told the runner not to run. */
export type SubtestStatus = 'PASS' | 'FAIL' | 'TIMEOUT' | 'NOTRUN' | 'PRECONDITION_FAILED' | 'CRASH' | 'SKIP';
export const SUBTEST_STATUSES: readonly SubtestStatus[] = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED', 'CRASH', 'SKIP'];

/** What a whole test file came to in one runtime: testharness.js's harness status (OK, ERROR,
 * PRECONDITION_FAILED) or the runner's verdict on the process (TIMEOUT, CRASH). */
export type FileStatus = 'OK' | 'ERROR' | 'TIMEOUT' | 'PRECONDITION_FAILED' | 'CRASH';
export const FILE_STATUSES: readonly FileStatus[] = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED', 'CRASH'];

/** Which tier a record belongs to: spec conformance, real clients over connect(), performance, or
 * reproductions of bugs reported upstream (tests/regressions/). */
export type Tier = 'spec' | 'interop' | 'perf' | 'regression';

/** A bug report or pull request in another project that a subtest reproduces. */
export interface UpstreamReport {
  /** `owner/name` on GitHub, e.g. `cloudflare/workerd`. */
  repository: string;
  /** The issue or pull request number. */
  number: number;
  /** Link to the report. */
  url: string;
  /** One line: the bug as reported. */
  title: string;
}

/** One runtime column of a run. */
export interface RuntimeRecord {
  /** Row / column key, e.g. `node`, `workerd`, or `node+my-impl` when `--impl` names a module. */
  id: string;
  /** The runtime adapter's id (`node`, `deno`, `bun`, `workerd`). */
  name: string;
  /** The runtime's own version string (for workerd: its compatibility date and flags). */
  version: string;
  /** Path of the `--impl` module, or null for the runtime's default connect(). */
  impl: string | null;
  /** Where the binary came from (npm package and path), for people reading the report. */
  source?: string;
  /** Extra facts worth showing beside the version (npm package version, flags, ...). */
  details?: Record<string, string>;
  /** How the files were run: a new process per file, or warm processes that ran files one after
   * another (`--process-model`), and how many runtime processes the run started. `loaded`: for a
   * runtime whose warm processes load their files when they start (workerd), how many files they
   * were started with in all; each file once is the run's file count, and more means files loaded
   * twice because the process holding them was busy. */
  processes?: { model: 'per-file' | 'warm'; launched: number; loaded?: number; fallback?: string };
}

/** How a run fitted itself to the machine it ran on (runners/calibrate.ts), so that a verdict does
 * not depend on the machine's speed or load. Every figure was measured on that machine, at the
 * start of that run unless it says otherwise. */
export interface Calibration {
  /** What every "must happen" bound of the tests and every file watchdog was multiplied by. */
  scale: number;
  /** `measured` (from the figures below) or `--timeout-multiplier` (given by hand; it wins). */
  scaleSource: 'measured' | '--timeout-multiplier';
  /** `node -e 0`: median start-to-exit wall time, ms, and mean CPU time (Linux), ms, beside the
   * CPU time on the machine the bounds were written for: scale = CPU / reference, at least 1. */
  runtimeStartMs: number;
  runtimeStartCpuMs?: number;
  referenceStartCpuMs: number;
  /** Median round trip through the fixture server's control service on a fresh loopback
   * connection, from the runner, ms. */
  loopbackRoundTripMs: number;
  /** The runner's event-loop delay while the run went on (its own load included), ms. */
  eventLoopDelayMs?: { p50: number; p99: number; max: number };
  /** Runtime processes at once, and how that number was chosen (runners/schedule.ts: jobsFor). */
  jobs: number;
  jobsRule: string;
  cores: number;
  /** CPU time of the run (the runner and every runtime process) and its wall time, ms (Linux). */
  cpuMs?: number;
  wallMs?: number;
  /** Time the runtime processes waited for a CPU during their files, summed, ms: the watchdogs
   * gave it back (Linux). */
  starvedMs?: number;
}

/** One subtest's outcome in one runtime. */
export interface ResultRecord {
  runtime: string;
  /** Test file path relative to tests/, with forward slashes (e.g. `opened-attribute/opened.any.ts`). */
  file: string;
  /** The subtest's name as registered with testharness.js. */
  test: string;
  /** Spec section anchors the subtest checks (e.g. `#opened-attribute`). */
  anchors: string[];
  level: Level;
  status: SubtestStatus;
  /** Why it did not pass (assertion message, error, the runner's note), or an observation for
   * informational subtests; null when there is nothing to say. */
  message: string | null;
  durationMs: number;
  /** Catalogue ids (tests/requirements.ts) this subtest covers. */
  requirements?: string[];
  tier?: Tier;
  /** The upstream bug reports this subtest reproduces (regression tier, and interop subtests that
   * stand for a reported bug); absent when there are none. */
  upstream?: UpstreamReport[];
}

/** One test file's outcome in one runtime. */
export interface FileRecord {
  runtime: string;
  file: string;
  status: FileStatus;
  message: string | null;
  durationMs: number;
  /** The last part of what the runtime printed outside the result channel (kept on ERROR / CRASH). */
  outputTail?: string;
  /** Process exit code or signal, where the process ended on its own. */
  exit?: { code: number | null; signal: string | null };
}

/** A figure of the performance tier (`sockets-conformance perf`): informational, never pass / fail. */
export interface PerfRecord {
  runtime: string;
  metric: string;
  unit: string;
  value: number;
  /** The same figure for bare node:net / node:tls in the same run. */
  baseline?: number;
  /** value / baseline, unrounded; read it with `better`. */
  ratio?: number;
  /** Whether a bigger value is better (rates: a ratio above 1 beats bare node) or worse (times). */
  better?: 'higher' | 'lower';
  /** How many measurements the figure summarises (round trips, connections, handshakes). */
  samples?: number;
  /** What the figure includes or leaves out, e.g. why a runtime has no figure for `opened`. */
  note?: string;
}

/** The content of results.json. */
export interface RunResults {
  schemaVersion: typeof SCHEMA_VERSION;
  startedAt: string;
  finishedAt: string;
  suiteVersion: string;
  /** The draft the tests were derived from (records/draft.ts); missing in results written before
   * it was recorded. */
  draft?: DraftRef;
  runtimes: RuntimeRecord[];
  results: ResultRecord[];
  files: FileRecord[];
  perf?: PerfRecord[];
  /** Runtimes that were looked for but are not on this machine, with the reason (a missing column). */
  unavailable?: { name: string; reason: string }[];
  /** The machine the run happened on (wpt.fyi wants the OS of every run). */
  host?: { os: string; arch: string; release: string };
  /** The part of the suite this run covered when it was split across CI jobs (`--shard i/n`);
   * `merge` uses it to tell a missing shard from an overlap. */
  shard?: { index: number; total: number } | null;
  /** With `--repeat N`: how many times each file ran, and the subtests whose status changed. */
  repeat?: { times: number; flaky: { runtime: string; file: string; test: string; statuses: SubtestStatus[] }[] } | null;
  /** Set when the run was cut short (e.g. SIGINT); the files not run are listed. */
  interrupted?: { signal: string; filesNotRun: string[] } | null;
  /** How the run fitted its bounds and its jobs to the machine; absent in older results. */
  calibration?: Calibration;
}
