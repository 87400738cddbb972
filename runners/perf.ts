// The performance tier (`sockets-conformance perf`): the figures of tests/perf/*.perf.ts measured
// through each runtime's connect(), beside the same figures for bare node:net / node:tls measured in
// the same run against the same fixture server. Informational: figures are recorded, never judged.
//
// One runtime process at a time (never two measuring at once), the baseline first. A figure a
// runtime could not produce has no PerfRecord; its subtest record says why.

import { startFixtures } from '../echo-server/index.ts';
import type { PerfPlan } from '../records/channel.ts';
import type { FixtureAddresses } from '../records/fixtures.ts';
import type { FileRecord, PerfRecord, ResultRecord, RunResults } from '../records/result.ts';
import { FIGURES, FULL_PLAN, MiB, QUICK_PLAN, type FigureKey } from '../tests/perf/figures.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { testsDir } from './paths.ts';
import { measureBaseline, type Baseline } from './perf-baseline.ts';
import { run, type RunOptions } from './run.ts';

export const PERF_FILE_SUFFIX = '.perf.ts';

const WARM_PLAN: PerfPlan = { throughputBytes: 8 * MiB, roundTrips: 1_000, connections: 200, connectionConcurrency: 16, handshakes: 10, upgrades: 10 };

export interface PerfOptions {
  runtimes?: string[];
  impl?: string;
  quick?: boolean;
  timeoutMultiplier?: number;
  /** An already running fixture server; otherwise one is started (and stopped) for the tier. */
  fixtures?: FixtureAddresses;
  signal?: AbortSignal;
  onFile?: (file: FileRecord, results: ResultRecord[]) => void;
  onStart?: RunOptions['onStart'];
  /** Called once the baseline is measured (or has failed, with the reason). */
  onBaseline?: (baseline: Baseline | null, error?: string) => void;
}

export function perfFiles(root = testsDir): Promise<TestFile[]> {
  return discoverTestFiles(root, PERF_FILE_SUFFIX);
}

export async function runPerf(options: PerfOptions = {}): Promise<RunResults> {
  const plan: PerfPlan = options.quick ? QUICK_PLAN : FULL_PLAN;
  const files = await perfFiles();
  const started = options.fixtures ? undefined : await startFixtures();
  const fixtures = options.fixtures ?? started!.addresses;
  try {
    let baseline: Baseline | null = null;
    let baselineError: string | undefined;
    try {
      // An unmeasured pass first: the fixture server's own code must be warm before anything is
      // measured against it, or the baseline, which goes first, would pay for its warm-up alone.
      await measureBaseline(fixtures, WARM_PLAN, 60_000 * (options.timeoutMultiplier ?? 1));
      baseline = await measureBaseline(fixtures, plan, 60_000 * (options.timeoutMultiplier ?? 1));
    } catch (error) {
      baselineError = (error as Error).message;
    }
    options.onBaseline?.(baseline, baselineError);
    const results = await run({
      files,
      runtimes: options.runtimes,
      impl: options.impl,
      timeoutMultiplier: options.timeoutMultiplier,
      jobs: 1,
      // Every figure from a fresh process: what earlier files left in a warm one (JIT state, open
      // sockets, garbage) would move the figures.
      processModel: 'per-file',
      fixtures,
      perf: plan,
      signal: options.signal,
      onFile: options.onFile,
      onStart: options.onStart,
    });
    results.perf = withBaseline(results.perf ?? [], baseline);
    return results;
  } finally {
    await started?.stop();
  }
}

const keyOf = new Map(Object.entries(FIGURES).map(([key, spec]) => [spec.metric, key as FigureKey]));

/** Puts the baseline's figure and the ratio beside each runtime's figure. */
export function withBaseline(figures: PerfRecord[], baseline: Baseline | null): PerfRecord[] {
  return figures.map((record) => {
    const key = keyOf.get(record.metric);
    const base = key ? baseline?.[key] : undefined;
    if (!base) return record;
    return { ...record, baseline: base.value, ratio: record.value / base.value };
  });
}
