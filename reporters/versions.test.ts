// Columns named with versions (`--runtime node@22.23.5`) and histories, through the reporters that
// show columns: the terminal matrix, CONFORMANCE.md (with its History section) and the HTML report
// (with its timeline).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { buildHistory } from '../records/history.ts';
import type { Level, RunResults } from '../records/result.ts';
import { conformanceMarkdown } from './conformance.ts';
import { historyMarkdown } from './history.ts';
import { htmlReport } from './html.ts';
import { terminalMatrix } from './matrix.ts';

const base = JSON.parse(await readFile(new URL('./testdata/results.json', import.meta.url), 'utf8')) as RunResults;
const rename: Record<string, string> = { node: 'node@22.23.5', workerd: 'workerd@1.20250604.0' };
const versioned: RunResults = {
  ...base,
  runtimes: base.runtimes.map((r) => ({ ...r, id: rename[r.id]!, name: r.id })),
  results: base.results.map((r) => ({ ...r, runtime: rename[r.runtime]! })),
  files: base.files.map((f) => ({ ...f, runtime: rename[f.runtime]! })),
};
const columns = Object.values(rename);

const history = buildHistory('workerd', [
  { version: { version: '1.20250604.0', id: 'workerd@1.20250604.0', runtimeVersion: '2025-06-04' }, results: { ...versioned, runtimes: [versioned.runtimes[1]!], results: versioned.results.filter((r) => r.runtime === 'workerd@1.20250604.0').map((r, i) => ({ ...r, status: i === 0 ? 'FAIL' : r.status })) } },
  { version: { version: '1.20261117.1', id: 'workerd@1.20261117.1', runtimeVersion: '2026-11-17' }, results: { ...versioned, runtimes: [versioned.runtimes[1]!], results: versioned.results.filter((r) => r.runtime === 'workerd@1.20250604.0').map((r) => ({ ...r, runtime: 'workerd@1.20261117.1' })) } },
], new Map<string, Level>());

describe('columns named with versions', () => {
  it('head the terminal matrix', () => {
    const text = terminalMatrix(versioned);
    for (const c of columns) assert.ok(text.split('\n')[0]!.includes(c), `${c} in the header: ${text.split('\n')[0]}`);
  });

  it('are columns of CONFORMANCE.md, which gains a History section', () => {
    const md = conformanceMarkdown(versioned, { histories: [history] });
    for (const c of columns) assert.ok(md.includes(`| ${c} |`) || md.includes(` ${c} |`), c);
    assert.match(md, /## History\n/);
    assert.match(md, /### workerd\n\n2 versions, oldest first: 1\.20250604\.0 \(2025-06-04\), 1\.20261117\.1 \(2026-11-17\)\./);
  });

  it('are columns of the HTML report, which shows the history as a timeline', () => {
    const html = htmlReport(versioned, { histories: [history] });
    for (const c of columns) assert.ok(html.includes(c), c);
    assert.match(html, /<section class="history" id="history-workerd">/);
    assert.match(html, /<th title="2025-06-04">1\.20250604\.0<\/th>/);
    assert.match(html, /class="h-FAIL">✗<\/td><td class="h-PASS">✓/);
  });

  it('a history in Markdown names the first passing version', () => {
    const md = historyMarkdown(history);
    assert.match(md, /passes since 1\.20261117\.1/);
  });
});
