// The static HTML report, made to be linked to: one self-contained file (inline style, script and
// data; nothing fetched). At the top, per runtime, bars of the required / optional / regression
// subtests passed and what to fix first (reporters/causes.ts); then the matrix with filters by
// runtime, level, status, section and a search box, every subtest openable (message, expectation
// and reason, catalogue entries with the draft's anchor, a link to its source), a compare view of
// two runtimes, and, when the suite index is given, spec coverage. The whole view (filters, search,
// compare pair, opened subtest) lives in the URL's fragment, so a link reproduces it
// (reporters/html-script.ts). The page builds its DOM from the embedded records with textContent
// only, so no record text is ever parsed as HTML.

import type { HistoryResults } from '../records/history.ts';
import { historyTimelineHtml } from './history.ts';
import { LEVELS, SUBTEST_STATUSES, type ResultRecord, type RunResults } from '../records/result.ts';
import { causeCount, causesByRuntime, type Cause, type ExpectationLookup, type ExpectationNote } from './causes.ts';
import { buildCoverage } from './coverage.ts';
import { betterText, calibrationLine, draftText, figureNumber, PERF_PREAMBLE, perfFigures, perfNotMeasured, ratioText, SPEC_URL, TENTATIVE_ROW, type SuiteIndex } from './format.ts';
import { PAGE_SCRIPT } from './html-script.ts';

export interface HtmlOptions {
  anchorOrder?: readonly string[];
  index?: SuiteIndex;
  /** Histories over several versions of a runtime: a timeline section each (reporters/history.ts). */
  histories?: readonly HistoryResults[];
  /** Expectations entries: each subtest shows its own, and their reasons name the causes. */
  expectations?: ExpectationLookup;
  /** Where a test file's source is read: `{file}` is replaced by its path under tests/, `{path}` by
   * its path in the repository (tests/...), e.g. https://github.com/o/r/blob/<commit>/{path}. */
  sourceUrl?: string;
}

/** Bars at the top: what each runtime passed, by tier of judgement. A row whose records carry a
 * `tier` of its own (the regression tier) counts there and not in the level bars. */
export interface TierBar {
  runtime: string;
  tier: string;
  passed: number;
  total: number;
  /** The view the bar links to. */
  params: Record<string, string>;
}

const LEVEL_BARS = ['required', 'optional'] as const;
/** Tiers that get a bar of their own instead of counting in the level bars. */
const OWN_BAR_TIERS = ['regression'];

export function tierBars(results: RunResults): TierBar[] {
  const bars: TierBar[] = [];
  // A tier present in the run gets its bar in every runtime's row, so that the rows line up.
  const ownTiers = OWN_BAR_TIERS.filter((t) => results.results.some((r) => String(r.tier) === t));
  for (const { id } of results.runtimes) {
    const mine = results.results.filter((r) => r.runtime === id && r.tier !== 'perf');
    const own = (r: ResultRecord) => OWN_BAR_TIERS.includes(String(r.tier));
    for (const level of LEVEL_BARS) {
      const rs = mine.filter((r) => r.level === level && !own(r));
      bars.push({ runtime: id, tier: level, passed: rs.filter((r) => r.status === 'PASS').length, total: rs.length, params: { runtime: id, level } });
    }
    for (const tier of ownTiers) {
      const rs = mine.filter((r) => String(r.tier) === tier);
      bars.push({ runtime: id, tier, passed: rs.filter((r) => r.status === 'PASS').length, total: rs.length, params: { runtime: id, tier } });
    }
  }
  return bars;
}

const fragment = (params: Record<string, string>) => `#${new URLSearchParams(params).toString()}`;

function barsHtml(results: RunResults): string {
  const bars = tierBars(results);
  if (bars.length === 0) return '';
  const rows = results.runtimes.map(({ id }) => {
    const cells = bars.filter((b) => b.runtime === id).map((b) => {
      const pct = b.total === 0 ? 0 : Math.round((1000 * b.passed) / b.total) / 10;
      const label = `${id}, ${b.tier}: ${b.passed} of ${b.total} passed`;
      return `<td class="bar-cell"><a class="bar" data-tier="${escapeHtml(b.tier)}" data-runtime="${escapeHtml(id)}" href="${escapeHtml(fragment(b.params))}" aria-label="${escapeHtml(label)}" title="${escapeHtml(label)}"><span class="bar-track"><span class="bar-fill ${b.total === 0 ? 'none' : b.passed === b.total ? 'good' : 'partial'}" style="width: ${pct}%"></span></span> <span class="bar-text">${b.tier} ${b.passed}/${b.total}</span></a></td>`;
    });
    return `<tr><th>${escapeHtml(id)}</th>${cells.join('')}</tr>`;
  });
  return `<table id="bars" aria-label="subtests passed per runtime">
${rows.join('\n')}</table>`;
}

/** Each runtime's causes, as identifiers the page can filter on (`node:1` is node's first cause). */
function causeIds(causes: Map<string, Cause[]>) {
  const causeOf = new Map<ResultRecord, string>();
  const labels: Record<string, string> = {};
  for (const [runtime, list] of causes) {
    list.forEach((cause, i) => {
      const id = `${runtime}:${i + 1}`;
      labels[id] = `${runtime}: ${cause.text.split('\n')[0]}`;
      for (const r of cause.subtests) causeOf.set(r, id);
    });
  }
  return { causeOf, labels };
}

function causesHtml(causes: Map<string, Cause[]>): string {
  const parts: string[] = [];
  for (const [runtime, list] of causes) {
    if (list.length === 0) {
      parts.push(`<h3>${escapeHtml(runtime)}</h3><p>Every judged subtest passed.</p>`);
      continue;
    }
    const items = list.map((c, i) => {
      const sections = c.anchors.map((a) => (a.startsWith('#') ? `<a href="${escapeHtml(SPEC_URL + a)}">${escapeHtml(a)}</a>` : escapeHtml(a))).join(' ');
      return `<li data-runtime="${escapeHtml(runtime)}" data-required="${c.required}"><a class="cause" href="${escapeHtml(fragment({ runtime, cause: `${runtime}:${i + 1}` }))}">${escapeHtml(causeCount(c))}</a>: ${escapeHtml(c.text.split('\n')[0]!)}${c.source === 'expectation' ? ' <span class="muted">(expectation)</span>' : ''} <span class="muted">${sections}</span></li>`;
    });
    parts.push(`<h3>${escapeHtml(runtime)}</h3><ol class="causes" data-runtime="${escapeHtml(runtime)}">${items.join('\n')}</ol>`);
  }
  return parts.join('\n');
}

/** JSON that is safe inside a <script> element: no `</script>` or `<!--` can appear. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
td.cell { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.good { background: #d8f5d0; } .partial { background: #fff1c2; } .bad { background: #fbd3d0; } .none { color: #888; }
.PASS { color: #176c0c; } .FAIL, .CRASH, .TIMEOUT { color: #a4130b; font-weight: 600; } .NOTRUN, .PRECONDITION_FAILED, .SKIP { color: #8a6100; }
#filters label { margin-right: 1em; }
#filters { display: flex; flex-wrap: wrap; gap: .4em; align-items: center; }
details summary { cursor: pointer; }
button.open { background: none; border: none; padding: 0; font: inherit; color: #0b4f9c; cursor: pointer; text-align: left; }
button.open::before { content: "\\25B8  "; } button.open[aria-expanded="true"]::before { content: "\\25BE  "; }
button:focus-visible, a:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid #0b4f9c; outline-offset: 2px; }
tr.opened td { background: #eef4fb; } tr.detail td { background: #f7faff; }
.detail-box p { margin: .3em 0; }
#bars td, #bars th { border: none; padding: .15em .6em .15em 0; }
a.bar { color: inherit; text-decoration: none; display: inline-flex; align-items: center; gap: .4em; }
.bar-track { display: inline-block; width: 10em; height: .8em; background: #eee; border: 1px solid #bbb; }
.bar-fill { display: block; height: 100%; } .bar-fill.good { background: #3c9a2f; } .bar-fill.partial { background: #d9a400; } .bar-fill.none { background: none; }
ol.causes li { margin: .2em 0; }
pre { white-space: pre-wrap; margin: .3em 0; max-width: 70em; }
.muted { color: #666; }
`;

/** The performance tier, rendered on the host: a plain table, no filters, nothing judged. */
function perfHtml(results: RunResults): string {
  const figures = perfFigures(results);
  const missing = perfNotMeasured(results);
  if (figures.length === 0 && missing.length === 0) return '';
  const rows = figures.flatMap((f) =>
    f.records.map((p, i) => {
      const label = i === 0 ? `<th rowspan="${f.records.length}">${escapeHtml(f.metric)}<br><span class="muted">${escapeHtml([f.unit, betterText(f.better)].filter(Boolean).join(', '))}</span></th>` : '';
      return `<tr class="figure" data-metric="${escapeHtml(p.metric)}" data-runtime="${escapeHtml(p.runtime)}">${label}<td>${escapeHtml(p.runtime)}</td><td class="cell value">${escapeHtml(`${figureNumber(p.value)} ${p.unit}`)}</td><td class="cell baseline">${
        p.baseline === undefined ? '-' : escapeHtml(`${figureNumber(p.baseline)} ${p.unit}`)
      }</td><td class="cell ratio">${ratioText(p)}</td><td class="note">${escapeHtml(p.note ?? '')}</td></tr>`;
    }),
  );
  const table = figures.length === 0 ? '' : `<table id="perf"><tr><th>figure</th><th>runtime</th><th>value</th><th>node:net / node:tls</th><th>ratio</th><th>note</th></tr>
${rows.join('\n')}</table>`;
  const notMeasured = missing.length === 0 ? '' : `<p>Not measured:</p><ul id="perf-missing">${missing
    .map((r) => `<li>${escapeHtml(`${r.runtime}: ${r.test}: ${r.status}${r.message ? ` (${r.message.split('\n')[0]})` : ''}`)}</li>`)
    .join('')}</ul>`;
  return `<h2>Performance (informational)</h2>
<p id="perf-preamble">${escapeHtml(PERF_PREAMBLE)}</p>
${table}
${notMeasured}`;
}

export function htmlReport(results: RunResults, options: HtmlOptions = {}): string {
  const coverage = options.index ? buildCoverage(options.index, results) : null;
  const causes = causesByRuntime(results, options.expectations);
  const { causeOf, labels } = causeIds(causes);
  const notes: Record<string, ExpectationNote> = {};
  for (const r of results.results) {
    const note = options.expectations?.(r);
    if (note) notes[`${r.runtime}|${r.file}|${r.test}`] = note;
  }
  const catalogue = Object.fromEntries((options.index?.requirements ?? []).map((e) => [e.id, { anchor: e.anchor, level: e.level, statement: e.statement }]));
  const data = {
    results,
    anchorOrder: options.anchorOrder ?? [],
    levelOrder: [...new Set(['required', 'optional', 'tentative', ...LEVELS])],
    statusOrder: SUBTEST_STATUSES,
    draftUrl: SPEC_URL,
    tentativeRow: TENTATIVE_ROW,
    sourceUrl: options.sourceUrl ?? null,
    notes,
    causeOf: results.results.map((r) => causeOf.get(r) ?? null),
    causeLabels: labels,
    catalogue,
  };
  const runtimeRows = results.runtimes.map((r) => {
    const details = Object.entries(r.details ?? {}).map(([k, v]) => `${k}: ${v}`).join('; ');
    return `<tr><td>${escapeHtml(r.id)}</td><td>${escapeHtml(`${r.name} ${r.version}`)}</td><td>${escapeHtml(r.impl ?? 'built in / default')}</td><td>${escapeHtml(details)}</td></tr>`;
  });
  for (const u of results.unavailable ?? []) runtimeRows.push(`<tr class="none"><td>${escapeHtml(u.name)}</td><td>not run</td><td></td><td>${escapeHtml(u.reason)}</td></tr>`);
  const badFiles = results.files.filter((f) => f.status !== 'OK');
  const filesHtml = badFiles.length === 0 ? '' : `<h2>Files that did not finish normally</h2>
<table id="files"><tr><th>runtime</th><th>file</th><th>status</th><th>message</th></tr>
${badFiles.map((f) => `<tr><td>${escapeHtml(f.runtime)}</td><td>${escapeHtml(f.file)}</td><td class="${f.status === 'PRECONDITION_FAILED' ? 'NOTRUN' : 'FAIL'}">${f.status}</td><td>${
    f.message || f.outputTail ? `<details><summary>${escapeHtml((f.message ?? '').split('\n')[0] || 'output')}</summary><pre>${escapeHtml([f.message, f.outputTail].filter(Boolean).join('\n\n'))}</pre></details>` : ''
  }</td></tr>`).join('\n')}</table>`;
  const coverageHtml = coverage
    ? `<h2>Spec coverage</h2><p>${coverage.entries.length - coverage.uncovered} of ${coverage.entries.length} catalogue entries have a test; ${coverage.uncovered} have none and are listed first.</p>
<table id="coverage"><tr><th>entry</th><th>level</th><th>statement</th><th>subtests</th></tr>${coverage.entries
        .map((e) => `<tr class="${e.subtests.length ? '' : 'bad'}"><td><a href="${escapeHtml(SPEC_URL + e.anchor)}">${escapeHtml(e.id)}</a></td><td>${e.level}</td><td>${escapeHtml(e.statement)}</td><td>${
          e.subtests.length === 0 ? '<strong>no test</strong>' : e.subtests.map((s) => `${escapeHtml(s.name)} ${Object.entries(s.results).map(([id, st]) => `<span class="${st ?? 'none'}">${escapeHtml(id)}=${st ?? 'not run'}</span>`).join(' ')}`).join('<br>')
        }</td></tr>`)
        .join('\n')}</table>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sockets API conformance ${escapeHtml(results.suiteVersion)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Sockets API conformance</h1>
<p class="muted">Suite ${escapeHtml(results.suiteVersion)}, run ${escapeHtml(results.startedAt)} to ${escapeHtml(results.finishedAt)}, against the draft <a href="${escapeHtml(SPEC_URL)}">${escapeHtml(draftText(results))}</a>${results.interrupted ? `; <strong>interrupted</strong> (${escapeHtml(results.interrupted.signal)})` : ''}.</p>${calibrationLine(results) ? `
<p class="muted">${escapeHtml(calibrationLine(results)!)}</p>` : ''}
${barsHtml(results)}
<table id="runtimes"><tr><th>runtime</th><th>version</th><th>connect()</th><th>details</th></tr>
${runtimeRows.join('\n')}</table>
<h2 id="fix-first">What to fix first</h2>
<p class="muted">Per runtime, its non-passing judged subtests grouped by cause (the expectation's reason where there is one, else the message), the causes that keep the most required subtests from passing first. A cause links to its subtests.</p>
<div id="causes">${causesHtml(causes)}</div>
<h2 id="matrix-heading">Matrix and subtests</h2>
<div id="filters" role="search"></div>
<p id="count" aria-live="polite"></p>
<table id="matrix"></table>
<h2>Subtests</h2>
<p class="muted">Open a subtest (Enter or click) for its message, expectation, catalogue entries and source; the address bar then links to it. <kbd>/</kbd> searches, <kbd>Esc</kbd> closes.</p>
<table id="subtests"></table>
<p id="more"></p>
<h2>Compare two runtimes</h2>
<p><select id="compare-a" aria-label="first runtime"></select> against <select id="compare-b" aria-label="second runtime"></select> <span id="compare-count"></span></p>
<table id="compare"></table>
${filesHtml}
${perfHtml(results)}
${coverageHtml}
${(options.histories ?? []).map(historyTimelineHtml).join('\n')}
<script type="application/json" id="data">${scriptJson(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
