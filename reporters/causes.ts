// What to fix first: a runtime's non-passing judged subtests grouped by cause, the groups ordered by
// how many required subtests fixing that cause would turn green. Many failures share one cause (the
// polyfill's missing `opened` alone fails dozens of subtests, one message repeated), so a list of
// causes is shorter and more useful than a list of subtests. Every report groups with this module.
//
// The cause of a subtest is the reason its expectations entry gives, where there is one (written by
// a person who looked), else its message, normalised so that the same failure in two subtests reads
// the same. Pure: records and expectations in, groups out.

import type { LoadedExpectations } from '../records/expectations.ts';
import { isJudgedLevel, type ResultRecord, type RunResults } from '../records/result.ts';

/** What the expectations file says of one subtest: the status it expects (`FAIL`, `flaky`, `skip`,
 * a file status for a whole file) and why. */
export interface ExpectationNote {
  expected: string;
  reason: string;
}

/** Looks up a record's expectations entry; undefined when the file has none (PASS is expected). */
export type ExpectationLookup = (record: Pick<ResultRecord, 'runtime' | 'file' | 'test'>) => ExpectationNote | undefined;

/** The lookup over loaded expectations files: the subtest's own entry, else its file's. */
export function expectationLookup(expectations: ReadonlyMap<string, LoadedExpectations> | undefined): ExpectationLookup {
  return (r) => {
    const file = expectations?.get(r.runtime)?.expectations.files[r.file];
    if (!file) return undefined;
    const entry = file.subtests?.[r.test];
    if (entry) return { expected: 'status' in entry ? entry.status : 'flaky' in entry ? 'flaky' : 'skip', reason: entry.reason };
    if (file.skip && file.reason) return { expected: 'skip', reason: file.reason };
    if (file.status && file.reason) return { expected: `file ${file.status}`, reason: file.reason };
    return undefined;
  };
}

export interface Cause {
  runtime: string;
  /** The normalised text subtests are grouped on. */
  key: string;
  /** What to show: the reason, or the first subtest's message (first line). */
  text: string;
  /** Where the text comes from. */
  source: 'expectation' | 'message';
  /** Required subtests this cause keeps from passing: the order of the list. */
  required: number;
  /** Every subtest of the group, in record order. */
  subtests: ResultRecord[];
  /** The draft anchors those subtests check, in first-seen order. */
  anchors: string[];
}

/** Judged: a level that is judged (informational and tentative subtests never are) outside the
 * performance tier, whose figures are never verdicts. */
export const isJudged = (r: ResultRecord) => isJudgedLevel(r.level) && r.tier !== 'perf';

/** Reasons written by people end, by this project's convention, with what was observed in one
 * subtest: `(observed: ...)`. That tail differs per subtest, the cause does not. */
export function normaliseReason(reason: string): string {
  const text = reason.replace(/\s*\(observed:[\s\S]*$/, '').trim();
  // `--update-expectations` writes `observed: <message>` where nobody gave a reason yet.
  return /^observed:/.test(text) || text === '' ? normaliseMessage(reason.replace(/^\s*observed:\s*/, '')) : text.replace(/\s+/g, ' ');
}

/** A message reduced to what identifies its failure: the first line, numbers (ports, sizes, times)
 * as `N`, spacing collapsed, at most 200 characters. */
export function normaliseMessage(message: string | null): string {
  const line = (message ?? '').split('\n')[0]!.trim();
  if (!line) return '(no message)';
  const text = line.replace(/\d+(\.\d+)*/g, 'N').replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Per runtime id (in column order), its causes, most required subtests first. */
export function causesByRuntime(results: RunResults, lookup: ExpectationLookup = () => undefined): Map<string, Cause[]> {
  const out = new Map<string, Cause[]>(results.runtimes.map((r) => [r.id, []]));
  const groups = new Map<string, Cause>();
  for (const r of results.results) {
    if (r.status === 'PASS' || !isJudged(r)) continue;
    const note = lookup(r);
    const source = note ? 'expectation' : 'message';
    const key = note ? normaliseReason(note.reason) : normaliseMessage(r.message);
    const id = `${r.runtime}\u0000${key}`;
    let cause = groups.get(id);
    if (!cause) {
      const text = note ? key : (r.message ?? '').split('\n')[0]!.trim() || '(no message)';
      groups.set(id, (cause = { runtime: r.runtime, key, text, source, required: 0, subtests: [], anchors: [] }));
      if (!out.has(r.runtime)) out.set(r.runtime, []);
      out.get(r.runtime)!.push(cause);
    }
    cause.subtests.push(r);
    if (r.level === 'required') cause.required++;
    for (const a of r.anchors) if (!cause.anchors.includes(a)) cause.anchors.push(a);
  }
  for (const causes of out.values()) causes.sort(byImpact);
  return out;
}

/** Most required subtests first, then most subtests, then alphabetically (a stable order). */
export const byImpact = (a: Cause, b: Cause) => b.required - a.required || b.subtests.length - a.subtests.length || a.key.localeCompare(b.key);

/** `38 required of 38 subtests` style count, for every report. */
export function causeCount(c: Cause): string {
  const n = c.subtests.length;
  return `${c.required} required of ${n} subtest${n === 1 ? '' : 's'}`;
}
