// The results in the shape of browser-compat-data, as runtime-compat-data lays it out: a tree of
// identifiers, each with a `__compat` statement whose `support` is keyed by runtime. One identifier
// per draft section of the catalogue, with one sub-feature per catalogue entry (statement).
// `version_added` comes from a runtime's history where there is one (the version from which it
// passes in every later version run), else from the one version run. Pure: records in, data out.
//
// Mapped by hand, because BCD has no word for them:
// - runtime keys: the suite's column ids (`node`, `deno`, `bun`, `workerd`, `miniflare`, ...), as
//   runtime-compat-data keys them; BCD itself names Node.js `nodejs` and has no workerd.
// - versions: the npm version of the runtime's package (workerd 1.20261117.1 rather than its
//   compatibility date; miniflare its own version), since that is what a user installs; results
//   without it give workerd's compatibility date as dotted numbers (2026.11.17).
// - "supported": every subtest covering the entry passes; some but not all: `partial_implementation`
//   with a note naming what fails; none: `version_added: false` with a note.
// - "≤V" (BCD's ranged version) where the oldest version run already passes, since an older one may
//   have too; an exact V only where a history saw it start passing at V.
// - status: `standard_track: true` (a WinterTC draft), `experimental: true` (a draft), never deprecated.
// - `source_file`: the test files that check the entry (BCD means its own JSON file).

import type { CompatStatement, SimpleSupportStatement, SupportStatement } from '@mdn/browser-compat-data/types';
import type { HistoryResults } from '../records/history.ts';
import type { ResultRecord, RunResults } from '../records/result.ts';
import { anchorUrl, type SuiteIndex } from './format.ts';

/** A BCD compat statement whose support block is keyed by runtime rather than by BCD's browsers. */
export type RuntimeCompatStatement = Omit<CompatStatement, 'support'> & { support: Record<string, SupportStatement> };
/** A BCD identifier with runtime-keyed statements. */
export type RuntimeIdentifier = { [key: string]: RuntimeIdentifier } & { __compat?: RuntimeCompatStatement };

/** The export: `{ sockets: { <section>: { __compat, <entry>: { __compat } } } }`. */
export interface RuntimeCompatData {
  __meta: { version: string; timestamp: string; draft?: string };
  sockets: RuntimeIdentifier;
}

const key = (text: string) => text.replace(/^#/, '').replace(/[^A-Za-z0-9]+/g, '_');

/** The version a user installs, per column (the npm package version where the record has one). */
export function installedVersion(runtime: RunResults['runtimes'][number]): string {
  const npm = runtime.details?.npm;
  const at = npm?.lastIndexOf('@') ?? -1;
  if (npm && at > 0) return npm.slice(at + 1);
  // A record without its npm version (older results of workerd) has only the compatibility date;
  // BCD versions are dotted numbers, so 2026-11-17 becomes 2026.11.17.
  return runtime.version.split(' ')[0]!.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$1.$2.$3');
}

export function bcdExport(results: RunResults, index: Pick<SuiteIndex, 'requirements'>, options: { histories?: HistoryResults[]; draft?: string } = {}): RuntimeCompatData {
  const columns = results.runtimes.filter((r) => !r.impl);
  const byEntry = new Map<string, ResultRecord[]>();
  for (const r of results.results) for (const id of r.requirements ?? []) byEntry.set(id, [...(byEntry.get(id) ?? []), r]);
  const histories = new Map((options.histories ?? []).map((h) => [h.runtime, h]));

  const statement = (records: ResultRecord[], runtime: RunResults['runtimes'][number], historyOf: (h: HistoryResults) => { passingSince: string | null; firstVersion: string } | undefined): SupportStatement | undefined => {
    const mine = records.filter((r) => r.runtime === runtime.id);
    if (mine.length === 0) return undefined;
    const passed = mine.filter((r) => r.status === 'PASS');
    const version = installedVersion(runtime);
    const history = histories.get(runtime.id);
    const since = history ? historyOf(history) : undefined;
    if (passed.length === mine.length) {
      if (since?.passingSince && since.passingSince !== since.firstVersion) return { version_added: since.passingSince };
      return { version_added: `≤${since?.passingSince ?? version}` };
    }
    const failing = mine.filter((r) => r.status !== 'PASS').map((r) => `${r.test} (${r.status})`);
    if (passed.length > 0) {
      const s: SimpleSupportStatement = { version_added: `≤${version}`, partial_implementation: true, notes: `${passed.length} of ${mine.length} subtests pass in ${version}; not passing: ${failing.join('; ')}` };
      return s;
    }
    return { version_added: false, notes: `no subtest passes in ${version}: ${failing.join('; ')}` };
  };

  const sockets: RuntimeIdentifier = {};
  const sections = new Map<string, SuiteIndex['requirements'][number][]>();
  for (const req of index.requirements) sections.set(req.anchor, [...(sections.get(req.anchor) ?? []), req]);
  for (const [anchor, entries] of sections) {
    const sectionRecords = entries.flatMap((e) => byEntry.get(e.id) ?? []);
    if (sectionRecords.length === 0) continue;
    const section: RuntimeIdentifier = {
      __compat: compat(`The ${anchor.replace(/^#/, '')} section of the draft (required statements)`, anchorUrl(anchor), sectionRecords, (runtime) =>
        statement(sectionRecords.filter((r) => r.level === 'required'), runtime, (h) => sectionSince(h, entries.filter((e) => e.level === 'required').map((e) => e.id)))),
    } as RuntimeIdentifier;
    for (const entry of entries) {
      const records = byEntry.get(entry.id) ?? [];
      if (records.length === 0) continue;
      section[key(entry.id.split('.').slice(1).join('.') || entry.id)] = {
        __compat: compat(`${entry.statement} (${entry.level})`, anchorUrl(entry.anchor), records, (runtime) =>
          statement(records, runtime, (h) => {
            const e = h.entries.find((x) => x.id === entry.id);
            return e ? { passingSince: e.passingSince, firstVersion: h.versions[0]!.version } : undefined;
          })),
      } as RuntimeIdentifier;
    }
    sockets[key(anchor)] = section;
  }

  function compat(description: string, specUrl: string, records: ResultRecord[], support: (runtime: RunResults['runtimes'][number]) => SupportStatement | undefined): RuntimeCompatStatement {
    const block: Record<string, SupportStatement> = {};
    for (const runtime of columns) {
      const s = support(runtime);
      if (s) block[runtime.id] = s;
    }
    const files = [...new Set(records.map((r) => `tests/${r.file}`))].sort();
    return { description, spec_url: specUrl, source_file: files.join(' '), support: block, status: { experimental: true, standard_track: true, deprecated: false } };
  }

  return { __meta: { version: results.suiteVersion, timestamp: results.finishedAt, ...(options.draft ? { draft: options.draft } : {}) }, sockets };
}

/** A section passes at a version when every required entry of it does. */
function sectionSince(history: HistoryResults, ids: string[]): { passingSince: string | null; firstVersion: string } {
  const names = history.versions.map((v) => v.version);
  const entries = history.entries.filter((e) => ids.includes(e.id));
  let since: string | null = null;
  for (let i = names.length - 1; i >= 0; i--) {
    if (entries.every((e) => e.statuses[i] === 'PASS')) since = names[i]!;
    else break;
  }
  return { passingSince: since, firstVersion: names[0]! };
}
