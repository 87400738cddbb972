// The terminal matrix: rows are draft anchors (or files), columns are runtimes, cells passed/total.
// Colour is the caller's (plain when the output is not a TTY); this module only formats.

import type { RunResults } from '../records/result.ts';
import { buildMatrix, cellGrade, cellText, draftText, firstLine, notPassing, padEnd, type Cell, type RowKind } from './format.ts';
import { plain, type Colours } from './summary.ts';

export interface MatrixOptions {
  by?: RowKind;
  /** List each non-passing subtest with its message under the matrix. */
  details?: boolean;
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
    const failing = notPassing(results);
    if (failing.length > 0) out.push('', c.bold('not passing:'));
    for (const r of failing) {
      out.push(`${paint({ passed: 0, total: 1, byStatus: {} }, r.status)} ${r.runtime} ${r.file} "${r.test}" [${r.level}]`);
      if (r.message) out.push(c.dim(`    ${firstLine(r.message, 400)}`));
    }
    for (const f of results.files.filter((x) => x.status !== 'OK')) {
      out.push(`${c.red(`file ${f.status}`)} ${f.runtime} ${f.file}${f.message ? c.dim(`: ${firstLine(f.message, 400)}`) : ''}`);
    }
  }
  return out.join('\n');
}
