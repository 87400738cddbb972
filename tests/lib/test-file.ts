// The shape of a spec test file. Each file under tests/ (named *.any.ts) exports:
//   export const meta: FileMeta = { ... };            // read by the runner and reporters, never run
//   export default function (ctx: TestContext) { ... } // registers the subtests with testharness.js
// so `sockets-conformance list` and the reporters know every subtest without running anything.

import type { FigureDetails, PerfPlan } from '../../records/channel.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';
import type { Level, Tier, UpstreamReport } from '../../records/result.ts';
import type { Connect } from './sockets-api.ts';

/** What the harness hands a test file: the implementation under test and where the fixtures are. */
export interface TestContext {
  connect: Connect;
  fixtures: FixtureAddresses;
  /** Runtime id (e.g. `node`), only for messages that describe an observation. */
  runtime: string;
  /** Reasons of the promise rejections that nobody handled so far in this file (filled live by the
   * harness, which also keeps them from crashing the runtime): the draft marks `opened` and `closed`
   * as handled, so a conforming connect() never adds to this list on its own. */
  unhandledRejections: readonly unknown[];
  /** Performance tier only (tests/perf/*.perf.ts): how much to measure, as `sockets-conformance perf` planned it. */
  perf?: PerfPlan;
  /** Performance tier only: reports one measured figure to the runner (informational, never judged). */
  reportFigure?: (metric: string, unit: string, value: number, details: FigureDetails) => void;
}

export interface SubtestMeta {
  /** Catalogue ids (tests/requirements.ts) this subtest checks. */
  covers?: string[];
  /** Overrides the file's anchors where this subtest checks other sections. */
  anchors?: string[];
  /** Overrides the file's level. */
  level?: Level;
  /** Upstream bug reports this subtest reproduces, in addition to the file's. */
  upstream?: UpstreamReport[];
}

export interface FileMeta {
  /** One line: what the file checks. */
  title: string;
  /** Spec anchors (e.g. `#opened-attribute`) the file's subtests check unless they say otherwise. */
  anchors: string[];
  level: Level;
  /** Every subtest the file registers, by its exact name: the single source of truth for listing,
   * for marking unfinished subtests after a crash, and for coverage. */
  subtests: Record<string, SubtestMeta>;
  /** Per-file timeout before the runner's multiplier, in ms (default: runners' own). */
  timeoutMs?: number;
  /** The tier the file's records belong to; `spec` when left out. */
  tier?: Tier;
  /** Upstream bug reports that every subtest of the file reproduces (the regression tier). */
  upstream?: UpstreamReport[];
}

export type RegisterTests = (ctx: TestContext) => void;

export interface TestModule {
  meta: FileMeta;
  default: RegisterTests;
}
