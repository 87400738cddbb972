// Markdown: the matrix and the non-passing subtests, for pull-request comments and job summaries.

import type { RunResults } from '../records/result.ts';
import { causesByRuntime, type ExpectationLookup } from './causes.ts';
import { anchorUrl, betterText, buildMatrix, calibrationLine, draftText, cellGrade, cellText, figureNumber, firstLine, mdCell, notPassing, PERF_PREAMBLE, perfFigures, perfNotMeasured, ratioText, type Cell, type Matrix, type RowKind } from './format.ts';

const MARK = { good: '✅', partial: '⚠️', bad: '❌', none: '' } as const;
const mdCellOf = (c: Cell | undefined) => `${MARK[cellGrade(c)]} ${cellText(c)}`.trim();

/** The matrix as a Markdown table; anchor rows link to the draft. */
export function markdownMatrix(m: Matrix, by: RowKind = 'anchor'): string {
  const lines = [
    `| ${by} | ${m.runtimes.map(mdCell).join(' | ')} |`,
    `| --- | ${m.runtimes.map(() => '---:').join(' | ')} |`,
    ...m.rows.map((r) => `| ${by === 'anchor' && r.key.startsWith('#') ? `[${mdCell(r.key)}](${anchorUrl(r.key)})` : `\`${mdCell(r.key)}\``} | ${m.runtimes.map((id) => mdCellOf(r.cells[id])).join(' | ')} |`),
    `| **all subtests** | ${m.runtimes.map((id) => `**${cellText(m.totals.all[id])}**`).join(' | ')} |`,
    `| **required** | ${m.runtimes.map((id) => `**${cellText(m.totals.required[id])}**`).join(' | ')} |`,
  ];
  return lines.join('\n');
}

export function runtimesTable(results: RunResults): string {
  const lines = ['| runtime | version | connect() | details |', '| --- | --- | --- | --- |'];
  for (const r of results.runtimes) {
    const details = Object.entries(r.details ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ');
    lines.push(`| ${mdCell(r.id)} | ${mdCell(`${r.name} ${r.version}`)} | ${mdCell(r.impl ?? 'built in / default')} | ${mdCell(details || (r.source ?? ''))} |`);
  }
  for (const u of results.unavailable ?? []) lines.push(`| ${mdCell(u.name)} | not run | | ${mdCell(u.reason)} |`);
  return lines.join('\n');
}

/** The performance tier's figures as lines of Markdown (preamble, table, what was not measured), or
 * none when the run has no figures. */
export function perfMarkdown(results: RunResults, perfRun: RunResults = results): string[] {
  const figures = perfFigures(results);
  const missing = perfNotMeasured(perfRun);
  if (figures.length === 0 && missing.length === 0) return [];
  const out = [PERF_PREAMBLE, ''];
  if (figures.length > 0) {
    out.push('| figure | runtime | value | node:net / node:tls | ratio | note |', '| --- | --- | ---: | ---: | ---: | --- |');
    for (const f of figures) {
      const label = `${f.metric} (${[f.unit, betterText(f.better)].filter(Boolean).join(', ')})`;
      for (const p of f.records) {
        const baseline = p.baseline === undefined ? '-' : `${figureNumber(p.baseline)} ${p.unit}`;
        out.push(`| ${mdCell(label)} | ${mdCell(p.runtime)} | ${figureNumber(p.value)} ${mdCell(p.unit)} | ${mdCell(baseline)} | ${ratioText(p)} | ${mdCell(p.note ?? '')} |`);
      }
    }
    out.push('');
  }
  if (missing.length > 0) {
    out.push('Not measured:', '');
    for (const r of missing) out.push(`- ${mdCell(r.runtime)}: ${mdCell(r.test)}: ${r.status}${r.message ? ` (${mdCell(firstLine(r.message, 300))})` : ''}`);
    out.push('');
  }
  return out;
}

/** Per runtime, its causes of non-passing judged subtests, most required first (reporters/causes.ts):
 * a heading per runtime and a table; `top` keeps the first few and says how many more there are. */
export function causesMarkdown(results: RunResults, lookup?: ExpectationLookup, options: { top?: number; level?: number } = {}): string[] {
  const out: string[] = [];
  const hashes = '#'.repeat(options.level ?? 3);
  for (const [runtime, causes] of causesByRuntime(results, lookup)) {
    out.push(`${hashes} ${mdCell(runtime)}`, '');
    if (causes.length === 0) {
      out.push('Every judged subtest passed.', '');
      continue;
    }
    const shown = options.top ? causes.slice(0, options.top) : causes;
    const subtests = causes.reduce((n, c) => n + c.subtests.length, 0);
    out.push(`${subtests} judged subtest${subtests === 1 ? '' : 's'} not passing, from ${causes.length} cause${causes.length === 1 ? '' : 's'}${shown.length < causes.length ? ` (the first ${shown.length} below)` : ''}.`, '');
    out.push('| required | subtests | cause | sections |', '| ---: | ---: | --- | --- |');
    for (const c of shown) {
      const sections = c.anchors.map((a) => (a.startsWith('#') ? `[${mdCell(a)}](${anchorUrl(a)})` : mdCell(a))).join(' ');
      out.push(`| ${c.required} | ${c.subtests.length} | ${mdCell(firstLine(c.text, 300))}${c.source === 'expectation' ? ' *(expectation)*' : ''} | ${sections} |`);
    }
    out.push('');
  }
  return out;
}

export interface MarkdownOptions {
  by?: RowKind;
  anchorOrder?: readonly string[];
  /** Expectations entries, whose reasons name the causes of failures. */
  expectations?: ExpectationLookup;
}

export function markdownReport(results: RunResults, options: MarkdownOptions = {}): string {
  const by = options.by ?? 'anchor';
  const out = [
    `# Sockets API conformance: suite ${results.suiteVersion}`,
    '',
    `Run from ${results.startedAt} to ${results.finishedAt}. Draft: ${draftText(results)}.`,
    '',
    ...(calibrationLine(results) ? [calibrationLine(results)!, ''] : []),
    runtimesTable(results),
    '',
    '## Matrix',
    '',
    'Passed / total subtests; a subtest with several anchors counts in each of their rows.',
    '',
    markdownMatrix(buildMatrix(results, by, options.anchorOrder), by),
    '',
  ];
  if (results.interrupted) out.push(`**Interrupted** by ${results.interrupted.signal}: ${results.interrupted.filesNotRun.length} file(s) not run.`, '');
  out.push('## What to fix first', '', 'Per runtime, its non-passing judged subtests grouped by cause (the expectation\'s reason where there is one, else the message), the causes that keep the most required subtests from passing first.', '');
  out.push(...causesMarkdown(results, options.expectations));
  const failing = notPassing(results);
  out.push('## Not passing', '');
  if (failing.length === 0) out.push('Every subtest passed.');
  else {
    out.push('| runtime | file | subtest | level | status | message |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of failing) out.push(`| ${mdCell(r.runtime)} | \`${mdCell(r.file)}\` | ${mdCell(r.test)} | ${r.level} | ${r.status} | ${mdCell(firstLine(r.message, 300))} |`);
  }
  const badFiles = results.files.filter((f) => f.status !== 'OK');
  if (badFiles.length > 0) {
    out.push('', '### Files that did not finish normally', '', '| runtime | file | status | message |', '| --- | --- | --- | --- |');
    for (const f of badFiles) out.push(`| ${mdCell(f.runtime)} | \`${mdCell(f.file)}\` | ${f.status} | ${mdCell(firstLine(f.message, 300))} |`);
  }
  const perf = perfMarkdown(results);
  if (perf.length > 0) out.push('', '## Performance (informational)', '', ...perf.slice(0, -1));
  return out.join('\n') + '\n';
}
