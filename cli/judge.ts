// Between a run and its exit code: the expectations of the rows that ran, SKIP marking, the per-row
// summary lines and, with --update-expectations, rewriting the files. Kept out of the run command so
// that command changes by a few lines only.

import {
  applySkips, compare, hasUnexpected, loadAllExpectations, tallyLine, unexpectedFlaky, updateExpectations, writeExpectations,
  type Comparison, type LoadedExpectations,
} from '../records/expectations.ts';
import { stat } from 'node:fs/promises';
import type { RunResults } from '../records/result.ts';
import type { Colours } from '../reporters/summary.ts';
import { fromRoot } from '../runners/paths.ts';
import { UsageError } from '../runners/run.ts';
import { runtimes } from '../runners/runtimes/index.ts';

export const DEFAULT_EXPECTATIONS_DIR = fromRoot('expectations');

/** Loads and checks every expectations file up front, so a malformed one costs no run (exit 2). A
 * folder named on the command line must exist unless the run is about to write it: a typo would
 * otherwise pass silently as "expect everything to pass". */
export async function loadForRun(dir: string = DEFAULT_EXPECTATIONS_DIR, options: { creating?: boolean; extraRuntimes?: string[] } = {}): Promise<Map<string, LoadedExpectations>> {
  if (dir !== DEFAULT_EXPECTATIONS_DIR && !options.creating && !(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    throw new UsageError(`--expectations ${dir}: no such folder (--update-expectations creates it)`);
  }
  return loadAllExpectations(dir, [...runtimes.map((r) => r.id), ...(options.extraRuntimes ?? [])]);
}

export interface Judgement {
  /** The results with skipped subtests marked SKIP. */
  results: RunResults;
  comparison: Comparison;
  /** Lines for the terminal (already coloured). */
  lines: string[];
  /** Files rewritten by --update-expectations. */
  written: string[];
  /** Subtests that changed status under --repeat without a `flaky` entry. */
  flaky: ReturnType<typeof unexpectedFlaky>;
}

export async function judge(
  raw: RunResults,
  expectations: Map<string, LoadedExpectations>,
  options: { knownFiles: string[]; update?: string | false; colours: Colours },
): Promise<Judgement> {
  const c = options.colours;
  const written: string[] = [];
  if (options.update) {
    for (const e of updateExpectations(raw, expectations).values()) {
      const file = await writeExpectations(options.update, e);
      written.push(file);
      expectations.set(e.runtime, { source: file, expectations: e });
    }
  }
  // A version from npm (`node@22.23.5`) with no file of its own is judged by its runtime's file: the
  // question such a run answers is "does this version differ from what we know of the runtime".
  for (const r of raw.runtimes) {
    const family = expectations.get(r.name);
    if (!expectations.has(r.id) && family && r.id.startsWith(`${r.name}@`) && !r.impl) {
      expectations.set(r.id, { source: family.source, expectations: { ...family.expectations, runtime: r.id } });
    }
  }
  const results = applySkips(raw, expectations);
  const comparison = compare(results, expectations, { knownFiles: options.knownFiles });
  const lines: string[] = [];
  for (const v of comparison.unexpected) {
    lines.push(c.red(`UNEXPECTED ${v.status} (expected ${v.expected}) ${v.runtime} ${v.file}${v.test === null ? '' : ` "${v.test}"`}${v.message ? `: ${v.message.split('\n')[0]}` : ''}`));
  }
  for (const v of comparison.unexpectedPasses) {
    lines.push(c.yellow(`UNEXPECTED PASS ${v.runtime} ${v.file}${v.test === null ? '' : ` "${v.test}"`}: expected ${v.expected}; remove the entry from ${v.source} (or run with --update-expectations)`));
  }
  for (const s of comparison.stale) {
    lines.push(c.yellow(`STALE ${s.source}: ${s.file}${s.test === null ? '' : ` "${s.test}"`} (${s.why}); remove it (or run with --update-expectations)`));
  }
  for (const d of comparison.drifted) {
    lines.push(c.yellow(`DRIFT ${d.source}: ${d.file} "${d.test}": the message no longer matches the fingerprint ${d.fingerprint} its reason was written for (now ${d.observed}: ${(d.message ?? '').split('\n')[0]}); check the reason, then drop the fingerprint and run with --update-expectations`));
  }
  for (const [id, tally] of Object.entries(comparison.perRuntime)) {
    const text = tallyLine(id, tally);
    lines.push(tally.unexpected + tally.unexpectedPasses + tally.stale > 0 ? c.red(text) : c.green(text));
  }
  for (const file of written) lines.push(`expectations written to ${file}`);
  return { results, comparison, lines, written, flaky: unexpectedFlaky(results, expectations) };
}

export { hasUnexpected };
