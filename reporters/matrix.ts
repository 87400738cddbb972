// The terminal matrix: rows are draft anchors (or files), columns are runtimes, cells passed/total.
// Colour is the caller's (plain when the output is not a TTY); this module only formats.

import type { RunResults } from '../records/result.ts';
import { buildMatrix, cellGrade, cellText, draftText, firstLine, notPassing, padEnd, type Cell, type RowKind } from './format.ts';
import { plain, type Colours } from './summary.ts';
import { causeCount, causesByRuntime, isJudged, type ExpectationLookup } from './causes.ts';

export interface MatrixOptions {
  by?: RowKind;
  /** List each non-passing subtest with its message under the matrix, grouped by cause. */
  details?: boolean;
  /** The expectations entries, whose reasons name causes (reporters/causes.ts). */
  expectations?: ExpectationLookup;
  anchorOrder?: readonly string[];
  colours?: Colours;
}

export function terminalMatrix(results: RunResults, options: MatrixOptions = {}): string {
  const c = options.colours ?? plain;
  const m = buildMatrix(results, options.by ?? 'anchor', options.anchorOrder);
  const paint = (cell: Cell | undefined, text: string) => {
    const grade = cellGrade(cell);
    return grade === 'good' ? c.green(text) : grade === 'bad' ? c.red(text) : grade === 'partial' ? c.yellow(text) : c.dim(text);
  };
  const rows: [string, (Cell | undefined)[]][] = [
    ...m.rows.map((r) => [r.key, m.runtimes.map((id) => r.cells[id])] as [string, (Cell | undefined)[]]),
    ['all subtests', m.runtimes.map((id) => m.totals.all[id])],
    ['required', m.runtimes.map((id) => m.totals.required[id])],
  ];
  const header = options.by === 'file' ? 'file' : 'anchor';
  const firstWidth = Math.max(header.length, ...rows.map(([k]) => [...k].length));
  const widths = m.runtimes.map((id, i) => Math.max(id.length, ...rows.map(([, cells]) => cellText(cells[i]).length)));
  const line = (first: string, cells: string[]) => [padEnd(first, firstWidth), ...cells].join('  ').trimEnd();
  const out: string[] = [];
  out.push(c.bold(line(header, m.runtimes.map((id, i) => padEnd(id, widths[i]!)))));
  rows.forEach(([key, cells], index) => {
    if (index === m.rows.length) out.push(c.dim('-'.repeat(firstWidth + widths.reduce((a, w) => a + w + 2, 0))));
    out.push(line(key, cells.map((cell, i) => paint(cell, padEnd(cellText(cell), widths[i]!)))));
  });
  if (m.runtimes.length === 0) out.push(c.dim('(no runtime ran)'));
  out.push(c.dim(`draft: ${draftText(results)}`));
  for (const u of results.unavailable ?? []) out.push(c.yellow(`${u.name}: not run (${u.reason})`));
  if (options.details) {
    // Grouped by cause, most required subtests first: the top of each runtime's list is what to fix first.
    const causes = causesByRuntime(results, options.expectations);
    const anyCause = [...causes.values()].some((list) => list.length > 0);
    if (anyCause) out.push('', c.bold('what to fix first: non-passing judged subtests by cause, most required first'));
    for (const [runtime, list] of causes) {
      if (list.length === 0) continue;
      out.push(c.bold(`${runtime}: ${list.length} cause${list.length === 1 ? '' : 's'}`));
      for (const cause of list) {
        out.push(`  ${c.bold(causeCount(cause))}: ${firstLine(cause.text, 400)}${cause.source === 'expectation' ? c.dim(' (expectation)') : ''}`);
        for (const r of cause.subtests) {
          out.push(`    ${paint({ passed: 0, total: 1, byStatus: {} }, r.status)} ${r.file} "${r.test}" [${r.level}]`);
          if (r.message && firstLine(r.message, 400) !== firstLine(cause.text, 400)) out.push(c.dim(`        ${firstLine(r.message, 400)}`));
        }
      }
    }
    const unjudged = notPassing(results).filter((r) => !isJudged(r));
    if (unjudged.length > 0) out.push('', c.bold('not judged (informational), not passing:'));
    for (const r of unjudged) {
      out.push(`${c.dim(r.status)} ${r.runtime} ${r.file} "${r.test}" [${r.level}]`);
      if (r.message) out.push(c.dim(`    ${firstLine(r.message, 400)}`));
    }
    for (const f of results.files.filter((x) => x.status !== 'OK')) {
      out.push(`${c.red(`file ${f.status}`)} ${f.runtime} ${f.file}${f.message ? c.dim(`: ${firstLine(f.message, 400)}`) : ''}`);
    }
  }
  return out.join('\n');
}
