// Merging the results of several CI jobs (runtime × shard) into one run from which every report can
// be rebuilt. Overlaps (the same runtime and file in two inputs) and missing shards are errors: a
// merged matrix that silently double-counts or leaves files out would lie.

import { RecordsError } from './io.ts';
import { SCHEMA_VERSION, type RunResults, type RuntimeRecord } from './result.ts';

export function mergeResults(inputs: { source: string; results: RunResults }[]): RunResults {
  if (inputs.length === 0) throw new RecordsError('merge needs at least one results folder');
  const runtimes = new Map<string, RuntimeRecord>();
  const owner = new Map<string, string>();
  const shards = new Map<string, { total: number; seen: Set<number> }>();
  const merged: RunResults = {
    schemaVersion: SCHEMA_VERSION,
    startedAt: inputs.map((i) => i.results.startedAt).sort()[0]!,
    finishedAt: inputs.map((i) => i.results.finishedAt).sort().at(-1)!,
    suiteVersion: inputs[0]!.results.suiteVersion,
    ...(inputs[0]!.results.draft ? { draft: inputs[0]!.results.draft } : {}),
    runtimes: [],
    results: [],
    files: [],
    unavailable: [],
    interrupted: null,
  };
  for (const { source, results } of inputs) {
    if (results.suiteVersion !== merged.suiteVersion) {
      throw new RecordsError(`${source}: suite version ${results.suiteVersion} differs from ${merged.suiteVersion} (${inputs[0]!.source}); merge runs of one suite version`);
    }
    for (const runtime of results.runtimes) {
      const known = runtimes.get(runtime.id);
      if (known && known.version !== runtime.version) {
        throw new RecordsError(`${source}: runtime ${runtime.id} is version ${runtime.version} here but ${known.version} elsewhere`);
      }
      if (!known) runtimes.set(runtime.id, { ...runtime });
      else if (known.processes && runtime.processes) known.processes = { ...known.processes, launched: known.processes.launched + runtime.processes.launched, ...(known.processes.loaded !== undefined || runtime.processes.loaded !== undefined ? { loaded: (known.processes.loaded ?? 0) + (runtime.processes.loaded ?? 0) } : {}) };
      if (results.shard) {
        const entry = shards.get(runtime.id) ?? { total: results.shard.total, seen: new Set<number>() };
        if (entry.total !== results.shard.total) throw new RecordsError(`${source}: shard count ${results.shard.total} differs from ${entry.total} for ${runtime.id}`);
        entry.seen.add(results.shard.index);
        shards.set(runtime.id, entry);
      }
    }
    for (const file of results.files) {
      const key = `${file.runtime}\u0000${file.file}`;
      const previous = owner.get(key);
      if (previous) throw new RecordsError(`${source}: ${file.runtime} ${file.file} is also in ${previous} (overlapping shards?)`);
      owner.set(key, source);
    }
    merged.files.push(...results.files);
    merged.results.push(...results.results);
    if (results.perf) merged.perf = [...(merged.perf ?? []), ...results.perf];
    for (const u of results.unavailable ?? []) {
      if (!merged.unavailable!.some((x) => x.name === u.name)) merged.unavailable!.push(u);
    }
    if (results.interrupted) merged.interrupted = results.interrupted;
  }
  for (const [runtime, { total, seen }] of shards) {
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length > 0) throw new RecordsError(`runtime ${runtime}: shard(s) ${missing.map((i) => `${i}/${total}`).join(', ')} missing from the inputs`);
  }
  merged.runtimes = [...runtimes.values()];
  merged.unavailable = merged.unavailable!.filter((u) => !runtimes.has(u.name));
  return merged;
}
