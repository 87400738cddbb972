// --repeat N: the same files run N times; a subtest whose status is not the same every time is
// flaky. The records kept are the first repetition's, so counts stay comparable with a plain run.

import type { RunResults, SubtestStatus } from '../records/result.ts';

export function combineRepeats(runs: RunResults[]): RunResults {
  const [first, ...rest] = runs;
  if (!first) throw new Error('combineRepeats needs at least one run');
  const seen = new Map<string, { runtime: string; file: string; test: string; statuses: SubtestStatus[] }>();
  for (const r of runs.flatMap((run) => run.results)) {
    const key = JSON.stringify([r.runtime, r.file, r.test]);
    const entry = seen.get(key) ?? { runtime: r.runtime, file: r.file, test: r.test, statuses: [] };
    entry.statuses.push(r.status);
    seen.set(key, entry);
  }
  const flaky = [...seen.values()].filter((e) => new Set(e.statuses).size > 1 || e.statuses.length !== runs.length);
  return {
    ...first,
    finishedAt: rest.at(-1)?.finishedAt ?? first.finishedAt,
    repeat: { times: runs.length, flaky },
    interrupted: runs.find((r) => r.interrupted)?.interrupted ?? null,
  };
}
