// What several reporters share: grouping records into matrix cells, the suite index that coverage
// reads, the draft's address, and small text helpers. Pure functions only.

import type { Level, PerfRecord, ResultRecord, RunResults, SubtestStatus, UpstreamReport } from '../records/result.ts';

/** Where the rendered draft lives; anchors are appended as they are (`#opened-attribute`). */
export const SPEC_URL = 'https://sockets-api.proposal.wintertc.org/';
export const anchorUrl = (anchor: string) => `${SPEC_URL}${anchor.startsWith('#') ? anchor : `#${anchor}`}`;

/** What the suite contains, independent of any run: the catalogue and each file's declared subtests.
 * Built by the CLI from tests/requirements.ts and runners/discover.ts, so reporters import neither. */
export interface SuiteIndex {
  /** Draft anchors in document order (row order of the matrix). */
  anchors: readonly string[];
  requirements: readonly { id: string; anchor: string; level: Level; statement: string }[];
  files: readonly { file: string; title?: string; subtests: readonly { name: string; anchors: readonly string[]; level: Level; requirements: readonly string[]; upstream?: readonly UpstreamReport[] }[] }[];
}

export interface Cell {
  passed: number;
  total: number;
  byStatus: Partial<Record<SubtestStatus, number>>;
}

export type RowKind = 'anchor' | 'file';

export interface Matrix {
  runtimes: string[];
  rows: { key: string; cells: Record<string, Cell> }[];
  /** Every subtest, then the required ones only; tentative subtests are in neither (they have a row
   * of their own, TENTATIVE_ROW, and are never counted in a score). */
  totals: { all: Record<string, Cell>; required: Record<string, Cell> };
}

const emptyCell = (): Cell => ({ passed: 0, total: 0, byStatus: {} });

function add(cell: Cell, r: ResultRecord): void {
  cell.total++;
  if (r.status === 'PASS') cell.passed++;
  cell.byStatus[r.status] = (cell.byStatus[r.status] ?? 0) + 1;
}

/** Rows in the given order first (the draft's), then any others alphabetically. */
export function orderKeys(keys: Iterable<string>, preferred: readonly string[] = []): string[] {
  const set = new Set(keys);
  const first = preferred.filter((k) => set.has(k));
  const rest = [...set].filter((k) => !preferred.includes(k)).sort((a, b) => a.localeCompare(b));
  return [...first, ...rest];
}

/** The matrix row of the subtests of open proposals: shown, never part of a section's score. */
export const TENTATIVE_ROW = 'tentative (open proposals, not scored)';

/** `WinterTC55/proposal-sockets-api@3ab96d5 (2025-06-11)`: the draft a run's tests were derived from. */
export function draftText(results: RunResults): string {
  const d = results.draft;
  return d ? `${d.repository}@${d.commit} (${d.date})` : 'not recorded in these results';
}

/** A subtest with several anchors counts in each of their rows (so rows do not add up to the total).
 * Anchor rows hold the spec tier only: a real client's result over connect() (the interop tier) says
 * something about a section, but is no check of it; each other tier gets one row of its own. */
export function buildMatrix(results: RunResults, by: RowKind = 'anchor', anchorOrder: readonly string[] = []): Matrix {
  const runtimes = results.runtimes.map((r) => r.id);
  const rowMap = new Map<string, Record<string, Cell>>();
  const totals = { all: {} as Record<string, Cell>, required: {} as Record<string, Cell> };
  for (const id of runtimes) (totals.all[id] = emptyCell(), totals.required[id] = emptyCell());
  for (const r of results.results) {
    const tier = r.tier ?? 'spec';
    const tentative = r.level === 'tentative';
    const keys = by === 'file' ? [r.file] : tentative ? [TENTATIVE_ROW] : tier !== 'spec' ? [`${tier} tier`] : r.anchors.length > 0 ? r.anchors : ['(no anchor)'];
    for (const key of keys) {
      let row = rowMap.get(key);
      if (!row) rowMap.set(key, (row = Object.fromEntries(runtimes.map((id) => [id, emptyCell()]))));
      if (row[r.runtime]) add(row[r.runtime]!, r);
    }
    if (tentative) continue;
    if (totals.all[r.runtime]) add(totals.all[r.runtime]!, r);
    if (r.level === 'required' && totals.required[r.runtime]) add(totals.required[r.runtime]!, r);
  }
  const tierRows = [...rowMap.keys()].filter((k) => k.endsWith(' tier')).sort();
  if (rowMap.has(TENTATIVE_ROW)) tierRows.push(TENTATIVE_ROW);
  const order = [...orderKeys([...rowMap.keys()].filter((k) => !tierRows.includes(k)), by === 'anchor' ? anchorOrder : []), ...tierRows];
  return { runtimes, rows: order.map((key) => ({ key, cells: rowMap.get(key)! })), totals };
}

export const cellText = (c: Cell | undefined) => (!c || c.total === 0 ? '-' : `${c.passed}/${c.total}`);

/** good: all passed; bad: none; partial: some; none: no subtests. */
export function cellGrade(c: Cell | undefined): 'good' | 'partial' | 'bad' | 'none' {
  if (!c || c.total === 0) return 'none';
  return c.passed === c.total ? 'good' : c.passed === 0 ? 'bad' : 'partial';
}

/** The records that did not pass, in record order. */
export const notPassing = (results: RunResults) => results.results.filter((r) => r.status !== 'PASS');

export function firstLine(text: string | null | undefined, max = 200): string {
  const line = (text ?? '').split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

/** Runtime headline: `node 20.20.2` or `workerd 2026-11-17 (flags ...)`, plus the impl when there is one. */
export function runtimeLabel(results: RunResults, id: string): string {
  const r = results.runtimes.find((x) => x.id === id);
  if (!r) return id;
  return `${r.id}: ${r.name} ${r.version}${r.impl ? ` with connect() from ${r.impl}` : ''}`;
}

/** Markdown table cell text: pipes and newlines would break the table, and `<` would start raw HTML
 * that hides an observed message such as `<SocketError>`; control characters have no business there. */
export const mdCell = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '\uFFFD');

/** The performance tier's figures grouped by metric (in the order the run reported them), each with
 * its records in runtime-column order. Informational: nothing here is a verdict. */
export interface PerfFigure {
  metric: string;
  unit: string;
  better?: PerfRecord['better'];
  records: PerfRecord[];
}

export function perfFigures(results: RunResults): PerfFigure[] {
  const order = results.runtimes.map((r) => r.id);
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const byMetric = new Map<string, PerfFigure>();
  for (const p of results.perf ?? []) {
    const figure = byMetric.get(p.metric) ?? { metric: p.metric, unit: p.unit, better: p.better, records: [] };
    byMetric.set(p.metric, figure);
    figure.records.push(p);
  }
  for (const f of byMetric.values()) f.records.sort((a, b) => rank(a.runtime) - rank(b.runtime) || a.runtime.localeCompare(b.runtime));
  return [...byMetric.values()];
}

/** Perf-tier subtests that did not pass: the figures a runtime could not produce, with the reason. */
export const perfNotMeasured = (results: RunResults) => results.results.filter((r) => r.tier === 'perf' && r.status !== 'PASS');

/** Three significant figures or so: enough to compare, without pretending to precision loopback
 * timings do not have. */
export const figureNumber = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export const ratioText = (p: PerfRecord) => (p.ratio === undefined ? '-' : `${p.ratio.toFixed(2)}x`);

export const betterText = (better: PerfRecord['better']) => (better === 'higher' ? 'higher is better' : better === 'lower' ? 'lower is better' : '');

/** One sentence, shared by every report that shows figures, so none of them can read as a verdict. */
export const PERF_PREAMBLE =
  'Informational, never pass / fail: each figure is measured through the runtime\'s connect(), beside the same figure for bare node:net / node:tls measured in the same run against the same fixture server. ' +
  'The ratio is runtime / baseline: above 1 beats bare Node.js for rates (MiB/s, conn/s), below 1 beats it for times (µs, ms). Figures come from one machine at one moment: compare ratios, not absolute numbers.';

/** How the run fitted itself to its machine (results.calibration), in one sentence; null for
 * results that do not say. */
export function calibrationLine(results: RunResults): string | null {
  const c = results.calibration;
  if (!c) return null;
  const why = c.scaleSource === 'measured'
    ? `node -e 0 took ${c.runtimeStartCpuMs ?? '?'} ms of CPU against ${c.referenceStartCpuMs} ms on the reference machine, ${c.runtimeStartMs} ms of wall`
    : 'set by --timeout-multiplier';
  const parts = [
    `Calibration: bounds and watchdogs ×${c.scale} (${why}); loopback round trip ${c.loopbackRoundTripMs} ms`,
    ...(c.eventLoopDelayMs ? [`runner event-loop delay p99 ${c.eventLoopDelayMs.p99} ms`] : []),
    `${c.jobs} jobs on ${c.cores} cores (${c.jobsRule})`,
    ...(c.cpuMs !== undefined && c.wallMs !== undefined ? [`CPU ${(c.cpuMs / 1000).toFixed(1)} s in ${(c.wallMs / 1000).toFixed(1)} s of wall`] : []),
    ...(c.starvedMs ? [`runtime processes waited ${(c.starvedMs / 1000).toFixed(1)} s for a CPU, not counted against them`] : []),
  ];
  return `${parts.join('; ')}.`;
}
