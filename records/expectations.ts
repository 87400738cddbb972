// Expectations: what each runtime row is known to do where it differs from "every subtest passes".
// One JSON file per row (expectations/<row id>.json), checked against a schema; every entry says why.
// The comparison is pure (results and expectations in, verdicts out), so reporters and tests can use
// it without a run, and the CLI alone turns it into an exit code.

import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { FILE_STATUSES, SUBTEST_STATUSES, type FileStatus, type Level, type ResultRecord, type RunResults, type SubtestStatus } from './result.ts';

/** Statuses a subtest may be expected to have instead of PASS (SKIP is asked for with `skip`). */
export type ExpectedSubtestStatus = Exclude<SubtestStatus, 'PASS' | 'SKIP'>;
export const EXPECTED_SUBTEST_STATUSES = SUBTEST_STATUSES.filter((s) => s !== 'PASS' && s !== 'SKIP') as ExpectedSubtestStatus[];
export type ExpectedFileStatus = Exclude<FileStatus, 'OK'>;
export const EXPECTED_FILE_STATUSES = FILE_STATUSES.filter((s) => s !== 'OK') as ExpectedFileStatus[];

/** One subtest's entry: exactly one of `status`, `flaky` or `skip`, always with a reason. A `status`
 * entry may carry the `fingerprint` of the message its reason was written for (messageFingerprint),
 * so that a run can report the entry when the subtest still fails the same way in name only. */
export type SubtestExpectation =
  | { status: ExpectedSubtestStatus; reason: string; fingerprint?: string }
  | { flaky: true; reason: string }
  | { skip: true; reason: string };

export interface FileExpectation {
  /** The file's own outcome when it is not OK (e.g. CRASH), with `reason`. */
  status?: ExpectedFileStatus;
  /** Every subtest of the file is skipped, with `reason`. */
  skip?: true;
  reason?: string;
  subtests?: Record<string, SubtestExpectation>;
}

/** The content of one expectations file. */
export interface Expectations {
  $schema?: string;
  /** The row id this file is for; must equal the file's name without `.json`. */
  runtime: string;
  files: Record<string, FileExpectation>;
}

/** Expectations as loaded: the content plus where it came from, for messages that name the file. */
export interface LoadedExpectations {
  source: string;
  expectations: Expectations;
}

export class ExpectationsError extends Error {
  override name = 'ExpectationsError';
}

const reason = { type: 'string', minLength: 1, pattern: '\\S' };
const subtestEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    status: { enum: EXPECTED_SUBTEST_STATUSES },
    flaky: { const: true },
    skip: { const: true },
    reason,
    fingerprint: { type: 'string', pattern: '^[0-9a-f]{8}$' },
  },
  oneOf: [{ required: ['status'] }, { required: ['flaky'] }, { required: ['skip'] }],
  dependencies: { fingerprint: ['status'] },
};

/** The JSON schema of an expectations file (also written to expectations/schema.json for editors). */
export const expectationsSchema = {
  $id: 'https://sockets-conformance.invalid/expectations.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['runtime', 'files'],
  properties: {
    $schema: { type: 'string' },
    runtime: { type: 'string', minLength: 1 },
    files: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          status: { enum: EXPECTED_FILE_STATUSES },
          skip: { const: true },
          reason,
          subtests: { type: 'object', additionalProperties: subtestEntry },
        },
        dependencies: { status: ['reason'], skip: ['reason'] },
        not: { required: ['status', 'skip'] },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false }).compile(expectationsSchema);

/** A JSON path such as `$.files["a/b.any.ts"].subtests["x"].status` from ajv's JSON pointer. */
function jsonPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return '$' + parts.map((p) => (/^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function describe(error: ErrorObject): { where: string; what: string } {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { where: jsonPath(error.instancePath, String(p.additionalProperty)), what: 'is not a known key' };
    case 'required':
      return { where: jsonPath(error.instancePath, String(p.missingProperty)), what: 'is missing' };
    case 'dependencies':
      if (p.property === 'fingerprint') return { where: jsonPath(error.instancePath, 'fingerprint'), what: 'belongs to a "status" entry only' };
      return { where: jsonPath(error.instancePath, String(p.missingProperty)), what: `is missing (every "${String(p.property)}" needs a reason)` };
    case 'enum':
      return { where: jsonPath(error.instancePath), what: `must be one of ${(p.allowedValues as string[]).join(', ')}` };
    case 'oneOf':
      return { where: jsonPath(error.instancePath), what: 'must have exactly one of "status", "flaky" or "skip"' };
    case 'not':
      return { where: jsonPath(error.instancePath), what: 'cannot have both "status" and "skip"' };
    case 'pattern':
    case 'minLength':
      return { where: jsonPath(error.instancePath), what: 'must not be empty' };
    default:
      return { where: jsonPath(error.instancePath), what: error.message ?? 'is not valid' };
  }
}

/** Checks parsed content; `knownRuntimes` are adapter ids (a row `node+impl` or `node@22.23.5` is known when `node` is). */
export function checkExpectations(value: unknown, source: string, knownRuntimes?: readonly string[]): Expectations {
  if (!validate(value)) {
    // A failed oneOf lists each branch's complaint before its own; its own is the one a person needs.
    const errors = validate.errors!;
    const { where, what } = describe(errors.find((e) => e.keyword === 'oneOf') ?? errors[0]!);
    throw new ExpectationsError(`${source}: ${where} ${what}`);
  }
  const expectations = value as unknown as Expectations;
  // `node+impl` and `node@22.23.5` are rows of the adapter `node`.
  const base = expectations.runtime.split(/[+@]/)[0]!;
  if (knownRuntimes && !knownRuntimes.includes(base)) {
    throw new ExpectationsError(`${source}: $.runtime "${expectations.runtime}" is not a known runtime (known: ${knownRuntimes.join(', ')})`);
  }
  const expectedName = path.basename(source, '.json');
  if (source.endsWith('.json') && expectedName !== expectations.runtime) {
    throw new ExpectationsError(`${source}: $.runtime "${expectations.runtime}" does not match the file name (rename the file to ${expectations.runtime}.json)`);
  }
  return expectations;
}

export function parseExpectations(text: string, source: string, knownRuntimes?: readonly string[]): Expectations {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new ExpectationsError(`${source}: $ is not valid JSON (${message})`);
  }
  return checkExpectations(value, source, knownRuntimes);
}

export const expectationsFile = (dir: string, runtime: string) => path.join(dir, `${runtime}.json`);

/** Loads the files of the given rows from `dir`; a row without a file simply expects every subtest to pass. */
export async function loadExpectations(dir: string, runtimeIds: readonly string[], knownRuntimes?: readonly string[]): Promise<Map<string, LoadedExpectations>> {
  const loaded = new Map<string, LoadedExpectations>();
  for (const id of runtimeIds) {
    const source = expectationsFile(dir, id);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ExpectationsError(`${source}: cannot be read (${(error as Error).message})`);
    }
    loaded.set(id, { source, expectations: parseExpectations(text, source, knownRuntimes) });
  }
  return loaded;
}

/** Checks every `*.json` in `dir` except the schema (for a lint step over the whole folder). */
export async function loadAllExpectations(dir: string, knownRuntimes?: readonly string[]): Promise<Map<string, LoadedExpectations>> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && n !== 'schema.json');
  return loadExpectations(dir, names.map((n) => n.slice(0, -'.json'.length)), knownRuntimes);
}

export async function writeExpectations(dir: string, expectations: Expectations): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = expectationsFile(dir, expectations.runtime);
  await writeFile(file, JSON.stringify(expectations, null, 2) + '\n');
  return file;
}

// ── Comparison ────────────────────────────────────────────────────────────────────────────────────

/** What a subtest (test set) or a file (test null) was expected to do, and what it did. */
export interface Verdict {
  runtime: string;
  file: string;
  test: string | null;
  level: Level | null;
  status: SubtestStatus | FileStatus;
  /** `PASS` / `OK` by default, an expected status, `flaky` or `skip`. */
  expected: string;
  reason: string | null;
  message: string | null;
  /** The expectations file to edit, or null when the default expectation applied. */
  source: string | null;
}

export interface StaleEntry {
  runtime: string;
  file: string;
  /** null for a file-level entry. */
  test: string | null;
  source: string;
  why: string;
}

export interface RuntimeTally {
  expected: number;
  unexpected: number;
  unexpectedPasses: number;
  flaky: number;
  skipped: number;
  stale: number;
  /** Entries whose status still matches but whose message no longer has the entry's fingerprint. */
  drifted?: number;
}

/** An entry whose subtest still comes to the expected status, with another message than the one its
 * reason was written for: the reason may have gone stale. Reported, not exit-worthy (see README). */
export interface DriftedEntry {
  runtime: string;
  file: string;
  test: string;
  source: string;
  fingerprint: string;
  observed: string;
  message: string | null;
}

export interface Comparison {
  perRuntime: Record<string, RuntimeTally>;
  /** Results that are worse than or different from what was expected (FAIL, TIMEOUT, CRASH, ...). */
  unexpected: Verdict[];
  /** Expected to fail, passed: good news that must be written into the expectations. */
  unexpectedPasses: Verdict[];
  stale: StaleEntry[];
  /** Expected-status entries whose observed message no longer matches their fingerprint. */
  drifted: DriftedEntry[];
}

export interface CompareOptions {
  /** Every test file of the suite (path relative to tests/). When given, entries for files that no
   * longer exist are stale; without it, entries for files that were not run are left alone. */
  knownFiles?: readonly string[];
}

/** Statuses that are fine without an entry. Informational and tentative subtests are shown, never
 * judged, so their FAIL is no regression; an optional feature may be declared unsupported
 * (PRECONDITION_FAILED). A hang or crash is always worth attention. */
export function acceptableByDefault(level: Level, status: SubtestStatus): boolean {
  if (status === 'PASS') return true;
  if (level === 'informational' || level === 'tentative') return status === 'FAIL' || status === 'PRECONDITION_FAILED';
  if (level === 'optional') return status === 'PRECONDITION_FAILED';
  return false;
}

const emptyTally = (): RuntimeTally => ({ expected: 0, unexpected: 0, unexpectedPasses: 0, flaky: 0, skipped: 0, stale: 0 });

export function compare(results: RunResults, expectations: ReadonlyMap<string, LoadedExpectations>, options: CompareOptions = {}): Comparison {
  const comparison: Comparison = { perRuntime: {}, unexpected: [], unexpectedPasses: [], stale: [], drifted: [] };
  const known = options.knownFiles ? new Set(options.knownFiles) : null;
  for (const runtime of results.runtimes) {
    const tally = (comparison.perRuntime[runtime.id] = emptyTally());
    const loaded = expectations.get(runtime.id);
    const files = loaded?.expectations.files ?? {};
    const source = loaded?.source ?? null;
    const seenSubtests = new Set<string>();

    for (const file of results.files.filter((f) => f.runtime === runtime.id)) {
      const entry = files[file.file];
      const expected = entry?.skip ? 'skip' : (entry?.status ?? 'OK');
      const verdict: Verdict = { runtime: runtime.id, file: file.file, test: null, level: null, status: file.status, expected, reason: entry?.reason ?? null, message: file.message, source: entry?.status ? source : null };
      if (expected === 'skip' || file.status === expected) tally.expected++;
      else if (file.status === 'OK') (tally.unexpectedPasses++, comparison.unexpectedPasses.push(verdict));
      else (tally.unexpected++, comparison.unexpected.push(verdict));
    }

    for (const r of results.results.filter((x) => x.runtime === runtime.id)) {
      seenSubtests.add(key(r.file, r.test));
      const fileEntry = files[r.file];
      const entry = fileEntry?.subtests?.[r.test];
      const verdict = subtestVerdict(r, fileEntry, entry, source);
      if (verdict.expected === 'skip') (tally.skipped++, tally.expected++);
      else if (verdict.expected === 'flaky') (tally.flaky++, tally.expected++);
      else if (entry === undefined ? acceptableByDefault(r.level, r.status) : r.status === verdict.expected) {
        tally.expected++;
        const printed = entry && 'status' in entry ? entry.fingerprint : undefined;
        if (printed !== undefined && source !== null && messageFingerprint(r.message) !== printed) {
          tally.drifted = (tally.drifted ?? 0) + 1;
          comparison.drifted.push({ runtime: r.runtime, file: r.file, test: r.test, source, fingerprint: printed, observed: messageFingerprint(r.message), message: r.message });
        }
      }
      else if (r.status === 'PASS') (tally.unexpectedPasses++, comparison.unexpectedPasses.push(verdict));
      else (tally.unexpected++, comparison.unexpected.push(verdict));
    }

    if (!loaded) continue;
    const ranFiles = new Set(results.files.filter((f) => f.runtime === runtime.id).map((f) => f.file));
    for (const [file, entry] of Object.entries(files)) {
      const stale = (test: string | null, why: string) => {
        tally.stale++;
        comparison.stale.push({ runtime: runtime.id, file, test, source: loaded.source, why });
      };
      if (!ranFiles.has(file)) {
        if (known && !known.has(file)) stale(null, 'no such test file in the suite');
        continue;
      }
      for (const test of Object.keys(entry.subtests ?? {})) {
        if (!seenSubtests.has(key(file, test))) stale(test, 'no such subtest in this file');
      }
    }
  }
  return comparison;
}

const key = (file: string, test: string) => `${file}\u0000${test}`;

function subtestVerdict(r: ResultRecord, fileEntry: FileExpectation | undefined, entry: SubtestExpectation | undefined, source: string | null): Verdict {
  const base = { runtime: r.runtime, file: r.file, test: r.test, level: r.level, status: r.status, message: r.message };
  if (fileEntry?.skip) return { ...base, expected: 'skip', reason: fileEntry.reason ?? null, source };
  if (!entry) return { ...base, expected: 'PASS', reason: null, source: null };
  if ('skip' in entry) return { ...base, expected: 'skip', reason: entry.reason, source };
  if ('flaky' in entry) return { ...base, expected: 'flaky', reason: entry.reason, source };
  return { ...base, expected: entry.status, reason: entry.reason, source };
}

/** Turns the records of skipped subtests into SKIP. The subtests still ran (the runner has no per-
 * subtest switch): what they did is kept in the message, and a skipped subtest that hangs still costs
 * its file the timeout. Returns new results; the input is left as it was. */
export function applySkips(results: RunResults, expectations: ReadonlyMap<string, LoadedExpectations>): RunResults {
  const skipReason = (r: ResultRecord): string | null => {
    const fileEntry = expectations.get(r.runtime)?.expectations.files[r.file];
    if (fileEntry?.skip) return fileEntry.reason ?? '';
    const entry = fileEntry?.subtests?.[r.test];
    return entry && 'skip' in entry ? entry.reason : null;
  };
  return {
    ...results,
    results: results.results.map((r) => {
      const why = skipReason(r);
      if (why === null || r.status === 'SKIP') return r;
      const observed = `${r.status}${r.message ? `: ${r.message}` : ''}`;
      return { ...r, status: 'SKIP', message: `skipped by expectations (${why}); it ran anyway and came to ${observed}` };
    }),
  };
}

/** Rewrites each row's expectations from a run: one entry per result that is not fine by default
 * (and a `flaky` entry for each subtest whose status changed under --repeat),
 * keeping the reason of an existing entry for the same subtest, keeping `flaky` and `skip` entries
 * (they are decisions, not observations) and entries for files this run did not include, and dropping
 * entries that now pass. New entries take the observed message as their reason. */
export function updateExpectations(results: RunResults, existing: ReadonlyMap<string, LoadedExpectations>): Map<string, Expectations> {
  const updated = new Map<string, Expectations>();
  for (const runtime of results.runtimes) {
    const old = existing.get(runtime.id)?.expectations.files ?? {};
    const ranFiles = new Set(results.files.filter((f) => f.runtime === runtime.id).map((f) => f.file));
    const files: Record<string, FileExpectation> = {};
    for (const [file, entry] of Object.entries(old)) if (!ranFiles.has(file)) files[file] = entry;

    for (const f of results.files.filter((x) => x.runtime === runtime.id)) {
      const oldFile = old[f.file];
      const next: FileExpectation = {};
      if (oldFile?.skip) {
        next.skip = true;
        next.reason = oldFile.reason!;
      } else if (f.status !== 'OK') {
        next.status = f.status;
        next.reason = oldFile?.status && oldFile.reason ? oldFile.reason : observedReason(f.message);
      }
      const subtests: Record<string, SubtestExpectation> = {};
      for (const r of results.results.filter((x) => x.runtime === runtime.id && x.file === f.file)) {
        const prior = oldFile?.subtests?.[r.test];
        const wobbled = results.repeat?.flaky.find((x) => x.runtime === r.runtime && x.file === r.file && x.test === r.test);
        if (prior && ('flaky' in prior || 'skip' in prior)) subtests[r.test] = prior;
        else if (wobbled) subtests[r.test] = { flaky: true, reason: prior?.reason ?? `observed: ${wobbled.statuses.join(', ')} over ${results.repeat!.times} repetitions` };
        else if (oldFile?.skip || r.status === 'SKIP' || acceptableByDefault(r.level, r.status)) continue;
        else {
          // A kept reason keeps the fingerprint it was written for, so a drift stays visible until
          // someone rewrites the reason and drops the old fingerprint; a new entry fingerprints its own.
          const keep = prior && 'status' in prior && prior.status === r.status ? prior : undefined;
          subtests[r.test] = {
            status: r.status as ExpectedSubtestStatus,
            reason: prior?.reason ?? observedReason(r.message),
            fingerprint: keep?.fingerprint ?? messageFingerprint(r.message),
          };
        }
      }
      if (Object.keys(subtests).length > 0) next.subtests = subtests;
      if (Object.keys(next).length > 0) files[f.file] = next;
    }
    const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
    updated.set(runtime.id, { runtime: runtime.id, files: sorted });
  }
  return updated;
}

/** Words made of letters and digits, 12 or more long with at least one of each: the random ids that
 * runtimes put in error messages (workerd's "internal error; reference = ..."), which differ every run. */
const RANDOM_ID = /\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{12,}\b/gi;

/** A short fingerprint of a result message: its first line with random ids and every run of digits
 * (ports, durations) masked and spaces collapsed, hashed to 8 hex digits. Two runs that fail the same
 * way give the same fingerprint; a new failure message gives another. */
export function messageFingerprint(message: string | null): string {
  const line = (message ?? '').split('\n')[0]!.replace(RANDOM_ID, '@').replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(line).digest('hex').slice(0, 8);
}

function observedReason(message: string | null): string {
  const line = (message ?? '').split('\n')[0]!.trim();
  return line ? `observed: ${line.length > 300 ? line.slice(0, 297) + '...' : line}` : 'observed without a message';
}

/** One line per row: `node: 40 expected, 2 unexpected, 1 unexpected pass, 1 flaky, 0 skipped, 1 stale entry`. */
export function tallyLine(runtime: string, t: RuntimeTally): string {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const drift = t.drifted ? `, ${plural(t.drifted, 'drifted message', 'drifted messages')}` : '';
  return `${runtime}: ${t.expected} expected, ${t.unexpected} unexpected, ${plural(t.unexpectedPasses, 'unexpected pass', 'unexpected passes')}, ${t.flaky} flaky, ${t.skipped} skipped, ${plural(t.stale, 'stale entry', 'stale entries')}${drift}`;
}

/** Subtests whose status changed under --repeat and that no `flaky` (or `skip`) entry expects to. */
export function unexpectedFlaky(results: RunResults, expectations: ReadonlyMap<string, LoadedExpectations>) {
  return (results.repeat?.flaky ?? []).filter((f) => {
    const fileEntry = expectations.get(f.runtime)?.expectations.files[f.file];
    const entry = fileEntry?.subtests?.[f.test];
    return !fileEntry?.skip && !(entry && ('flaky' in entry || 'skip' in entry));
  });
}

/** Exit-worthy: anything unexpected, including good news and entries that describe nothing. */
export function hasUnexpected(c: Comparison): boolean {
  return c.unexpected.length > 0 || c.unexpectedPasses.length > 0 || c.stale.length > 0;
}
