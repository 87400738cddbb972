// A runtime's history (records/history.ts) as Markdown and as a self-contained HTML timeline: one
// row per catalogue entry or subtest, one cell per version, oldest on the left. Pure: history in,
// text out.

import type { EntryHistory, HistoryResults, SubtestHistory, Timeline } from '../records/history.ts';
import { mdCell } from './format.ts';

const SYMBOL: Record<string, string> = { PASS: '✓', PARTIAL: '◐', FAIL: '✗', TIMEOUT: '⧗', CRASH: '☠', NOTRUN: '·', PRECONDITION_FAILED: '–', SKIP: '·' };
const symbol = (s: Timeline['statuses'][number]) => (s === null ? ' ' : (SYMBOL[s] ?? '?'));

/** Not passing in every version run: the rows a history is about. */
export const changing = (t: Timeline) => t.statuses.some((s) => s !== null && s !== 'PASS');

function verdict(t: Timeline): string {
  const parts = [t.passingSince ? `passes since ${t.passingSince}` : t.firstPass ? `passed first in ${t.firstPass}, not in the newest` : 'never passed'];
  if (t.regressions.length) parts.push(`regressed ${t.regressions.map((r) => `${r.from} → ${r.to}`).join(', ')}`);
  if (t.flapping) parts.push('flapping');
  return parts.join('; ');
}

/** The versions line and the table of entries / subtests that changed, for CONFORMANCE.md and history.md. */
export function historyMarkdown(history: HistoryResults, options: { heading?: string; subtests?: boolean; levels?: readonly string[] } = {}): string {
  const levels = options.levels ?? ['required', 'optional', 'informational'];
  const names = history.versions.map((v) => v.version);
  const out: string[] = [];
  out.push(`${options.heading ?? '#'} History of ${history.runtime}`, '');
  out.push(`Versions run, oldest first${history.selector ? ` (selector: ${history.selector})` : ''}:`, '');
  out.push('| # | npm version | runtime version | released | subtests passing |', '| --- | --- | --- | --- | --- |');
  history.versions.forEach((v, i) => {
    const passing = history.subtests.filter((s) => s.statuses[i] === 'PASS').length;
    const run = history.subtests.filter((s) => s.statuses[i] !== null).length;
    out.push(`| ${i + 1} | ${mdCell(v.version)} | ${mdCell(v.runtimeVersion)} | ${v.publishedAt?.slice(0, 10) ?? ''} | ${passing}/${run} |`);
  });
  out.push('');
  for (const s of history.skipped ?? []) out.push(`- Not run: ${s.version}: ${s.reason}`);
  if (history.skipped?.length) out.push('');
  const entries = history.entries.filter((e) => changing(e) && levels.includes(e.level));
  out.push(`Catalogue entries (${levels.join(', ')}) not passing in every version: ${entries.length} of ${history.entries.filter((e) => levels.includes(e.level)).length}. Columns: the versions above, in order (✓ pass, ◐ some subtests pass, ✗ fail).`, '');
  if (entries.length > 0) {
    out.push('| entry | level | first pass | passing since | timeline | what changed |', '| --- | --- | --- | --- | --- | --- |');
    for (const e of entries) out.push(row(e.id, e, names));
    out.push('');
  }
  if (options.subtests !== false) {
    const subtests = history.subtests.filter((s) => changing(s) && levels.includes(s.level));
    out.push(`Subtests not passing in every version: ${subtests.length} of ${history.subtests.length} (✓ pass, ✗ fail, ⧗ timeout, ☠ crash, · not run).`, '');
    if (subtests.length > 0) {
      out.push('| subtest | level | first pass | passing since | timeline | what changed |', '| --- | --- | --- | --- | --- | --- |');
      for (const s of subtests) out.push(row(`\`${s.file}\`: ${s.test}`, s, names));
      out.push('');
    }
  }
  if (history.cost?.length) {
    out.push('What each version cost to run here (install or cache lookup, then the suite):', '');
    out.push('| version | install / locate s | suite s | load average at start |', '| --- | --- | --- | --- |');
    for (const c of history.cost) out.push(`| ${c.version} | ${(c.installMs / 1000).toFixed(1)} | ${(c.runMs / 1000).toFixed(1)} | ${c.loadAverage} |`);
    out.push('');
  }
  return out.join('\n');
}

function row(label: string, t: (EntryHistory | SubtestHistory), _names: string[]): string {
  return `| ${mdCell(label)} | ${t.level} | ${t.firstPass ?? '—'} | ${t.passingSince ?? '—'} | \`${t.statuses.map(symbol).join('')}\` | ${mdCell(verdict(t))} |`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The timeline of every entry, then of every subtest, that changed, as an HTML fragment (its own
 * small style, scoped to `.history`), for the HTML report and for history.html. */
export function historyTimelineHtml(history: HistoryResults): string {
  const head = history.versions.map((v) => `<th title="${escapeHtml(`${v.runtimeVersion}${v.publishedAt ? `, released ${v.publishedAt.slice(0, 10)}` : ''}`)}">${escapeHtml(v.version)}</th>`).join('');
  const cells = (t: Timeline) => t.statuses.map((s) => `<td class="h-${s ?? 'none'}">${symbol(s)}</td>`).join('');
  const table = (title: string, rows: { label: string; t: Timeline }[]) => `
<h3>${escapeHtml(title)}</h3>
<table><thead><tr><th>what</th>${head}<th>what changed</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td>${cells(r.t)}<td>${escapeHtml(verdict(r.t))}</td></tr>`).join('\n')}
</tbody></table>`;
  return `<section class="history" id="history-${escapeHtml(history.runtime)}">
<style>
.history table{border-collapse:collapse}.history td,.history th{border:1px solid #ccc;padding:2px 6px;text-align:center}
.history td:first-child,.history td:last-child{text-align:left}.history thead th{writing-mode:vertical-rl;font-weight:normal}.history thead th:first-child,.history thead th:last-child{writing-mode:horizontal-tb}
.h-PASS{background:#cfc}.h-PARTIAL{background:#ffd}.h-FAIL,.h-CRASH{background:#fcc}.h-TIMEOUT{background:#fdb}.h-none,.h-NOTRUN,.h-SKIP,.h-PRECONDITION_FAILED{background:#eee}
</style>
<h2>History of ${escapeHtml(history.runtime)}</h2>
<p>${history.versions.length} versions, oldest on the left${history.selector ? ` (selector: ${escapeHtml(history.selector)})` : ''}. Only rows that did not pass in every version are shown.</p>
${table('Catalogue entries', history.entries.filter(changing).map((e) => ({ label: `${e.id} (${e.level})`, t: e })))}
${table('Subtests', history.subtests.filter(changing).map((s) => ({ label: `${s.file}: ${s.test} (${s.level})`, t: s })))}
</section>`;
}

/** A self-contained page holding one history's timeline. */
export function historyHtml(history: HistoryResults): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>History of ${escapeHtml(history.runtime)}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em}</style></head><body>
${historyTimelineHtml(history)}
</body></html>
`;
}

/** The short form for CONFORMANCE.md: the versions run, then each required catalogue entry that did
 * not pass in every version but passed in some, with the version it first passed and what changed. */
export function historySummaryMarkdown(history: HistoryResults): string[] {
  const names = history.versions.map((v) => v.version);
  const required = history.entries.filter((e) => e.level === 'required');
  const changed = required.filter((e) => changing(e) && e.firstPass !== null);
  const never = required.filter((e) => e.firstPass === null).length;
  const out = [
    `### ${history.runtime}`,
    '',
    `${names.length} versions${history.selector ? ` (${history.selector})` : ''}, oldest first: ${history.versions.map((v) => `${v.version}${v.runtimeVersion !== v.version ? ` (${v.runtimeVersion})` : ''}`).join(', ')}.`,
    ...(history.skipped?.length ? ['', `Not run here: ${history.skipped.map((s) => s.version).join(', ')} (the registry had no build of them for this platform).`] : []),
    '',
  ];
  if (changed.length === 0) out.push(`Every required entry passed in all of them or fully in none (${never} in none).`, '');
  else {
    out.push('| required entry | first pass | passing since | timeline | what changed |', '| --- | --- | --- | --- | --- |');
    for (const e of changed) out.push(`| ${mdCell(e.id)} | ${e.firstPass} | ${e.passingSince ?? '—'} | \`${e.statuses.map(symbol).join('')}\` | ${mdCell(verdict(e))} |`);
    out.push('', `${never} other required entries did not fully pass in any of these versions; ${required.length - changed.length - never} passed in all.`, '');
  }
  return out;
}
