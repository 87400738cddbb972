// The static HTML report: one self-contained file (inline style, script and data; nothing fetched),
// with the matrix, filters by runtime / level / status / anchor, expandable failure messages, a
// compare view of two runtimes and, when the suite index is given, spec coverage.
// The page builds its DOM from the embedded records with textContent only, so no record text is
// ever parsed as HTML.

import type { HistoryResults } from '../records/history.ts';
import { historyTimelineHtml } from './history.ts';
import type { RunResults } from '../records/result.ts';
import { buildCoverage } from './coverage.ts';
import { betterText, draftText, figureNumber, PERF_PREAMBLE, perfFigures, perfNotMeasured, ratioText, SPEC_URL, type SuiteIndex } from './format.ts';

export interface HtmlOptions {
  anchorOrder?: readonly string[];
  index?: SuiteIndex;
  /** Histories over several versions of a runtime: a timeline section each (reporters/history.ts). */
  histories?: readonly HistoryResults[];
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
details summary { cursor: pointer; }
pre { white-space: pre-wrap; margin: .3em 0; max-width: 70em; }
.muted { color: #666; }
`;

// Plain ES2017 for the browser, as text: no template literals so it can sit in this TypeScript string.
const SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var results = data.results, runtimes = data.results.runtimes.map(function (r) { return r.id; });
  var order = data.anchorOrder;
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function option(value, label) { return el('option', { value: value, text: label }); }
  function anchorLink(a) { return el('a', { href: data.specUrl + a, text: a }); }
  function uniq(xs) { return xs.filter(function (x, i) { return xs.indexOf(x) === i; }); }
  var anchors = uniq(results.results.reduce(function (acc, r) { return acc.concat(r.anchors); }, []));
  anchors.sort(function (a, b) {
    var ia = order.indexOf(a), ib = order.indexOf(b);
    if (ia < 0 && ib < 0) return a < b ? -1 : a > b ? 1 : 0;
    if (ia < 0) return 1; if (ib < 0) return -1; return ia - ib;
  });
  var tierRows = uniq(results.results.filter(function (r) { return r.tier && r.tier !== 'spec'; }).map(function (r) { return r.tier + ' tier'; })).sort();
  var statuses = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED', 'CRASH', 'SKIP'];

  var filters = document.getElementById('filters');
  function select(id, label, values) {
    var s = el('select', { id: id }, [option('', 'all')].concat(values.map(function (v) { return option(v, v); })));
    filters.appendChild(el('label', {}, [label + ' ', s]));
    s.addEventListener('change', render);
    return s;
  }
  var fRuntime = select('filter-runtime', 'runtime', runtimes);
  var fLevel = select('filter-level', 'level', ['required', 'optional', 'informational', 'tentative']);
  var fStatus = select('filter-status', 'status', statuses);
  var fAnchor = select('filter-anchor', 'anchor', anchors);

  function selected() {
    return results.results.filter(function (r) {
      return (!fRuntime.value || r.runtime === fRuntime.value) && (!fLevel.value || r.level === fLevel.value) &&
        (!fStatus.value || r.status === fStatus.value) && (!fAnchor.value || r.anchors.indexOf(fAnchor.value) >= 0);
    });
  }
  function grade(c) { return !c || c.total === 0 ? 'none' : c.passed === c.total ? 'good' : c.passed === 0 ? 'bad' : 'partial'; }
  function cell(c, extra) {
    var td = el('td', { class: 'cell ' + grade(c), text: !c || c.total === 0 ? '-' : c.passed + '/' + c.total });
    Object.keys(extra || {}).forEach(function (k) { td.setAttribute(k, extra[k]); });
    return td;
  }

  function render() {
    var rows = selected();
    var cols = fRuntime.value ? [fRuntime.value] : runtimes;
    var cells = {}, totals = {};
    cols.forEach(function (id) { totals[id] = { passed: 0, total: 0 }; });
    rows.forEach(function (r) {
      if (!totals[r.runtime]) return;
      totals[r.runtime].total++; if (r.status === 'PASS') totals[r.runtime].passed++;
      // As in the terminal matrix: section rows count the spec tier only, other tiers get a row each.
      var keys = r.tier && r.tier !== 'spec' ? [r.tier + ' tier'] : r.anchors;
      keys.forEach(function (a) {
        if (fAnchor.value && keys === r.anchors && a !== fAnchor.value) return;
        var key = a + '\u0000' + r.runtime;
        var c = cells[key] || (cells[key] = { passed: 0, total: 0 });
        c.total++; if (r.status === 'PASS') c.passed++;
      });
    });
    var matrix = document.getElementById('matrix');
    matrix.textContent = '';
    matrix.appendChild(el('tr', {}, [el('th', { text: 'anchor' })].concat(cols.map(function (id) { return el('th', { text: id }); }))));
    anchors.concat(tierRows).forEach(function (a) {
      if (!cols.some(function (id) { return cells[a + '\u0000' + id]; })) return;
      matrix.appendChild(el('tr', { 'data-anchor': a }, [el('th', {}, [a.charAt(0) === '#' ? anchorLink(a) : document.createTextNode(a)])].concat(cols.map(function (id) { return cell(cells[a + '\u0000' + id], { 'data-runtime': id }); }))));
    });
    matrix.appendChild(el('tr', { class: 'total' }, [el('th', { text: 'all selected subtests' })].concat(cols.map(function (id) {
      return cell(totals[id], { 'data-runtime': id, 'data-total': String(totals[id].total), 'data-passed': String(totals[id].passed) });
    }))));
    document.getElementById('count').textContent = rows.length + ' subtests shown, ' + rows.filter(function (r) { return r.status === 'PASS'; }).length + ' passed';
    document.getElementById('count').setAttribute('data-shown', String(rows.length));

    var list = document.getElementById('subtests');
    list.textContent = '';
    list.appendChild(el('tr', {}, ['runtime', 'file', 'subtest', 'level', 'anchors', 'status'].map(function (h) { return el('th', { text: h }); })));
    rows.forEach(function (r) {
      var name = r.message ? el('details', {}, [el('summary', { text: r.test }), el('pre', { text: r.message })]) : document.createTextNode(r.test);
      var anchorsCell = el('td', {}, []);
      r.anchors.forEach(function (a, i) { if (i) anchorsCell.appendChild(document.createTextNode(' ')); anchorsCell.appendChild(anchorLink(a)); });
      list.appendChild(el('tr', { class: 'subtest', 'data-status': r.status }, [
        el('td', { text: r.runtime }), el('td', { text: r.file }), el('td', {}, [name]), el('td', { text: r.level }), anchorsCell,
        el('td', { class: r.status, text: r.status }),
      ]));
    });
  }

  var cA = document.getElementById('compare-a'), cB = document.getElementById('compare-b');
  runtimes.forEach(function (id, i) { cA.appendChild(option(id, id)); cB.appendChild(option(id, id)); if (i === 1) cB.value = id; });
  function renderCompare() {
    var table = document.getElementById('compare');
    table.textContent = '';
    table.appendChild(el('tr', {}, [el('th', { text: 'file' }), el('th', { text: 'subtest' }), el('th', { text: cA.value }), el('th', { text: cB.value })]));
    var byKey = {};
    results.results.forEach(function (r) {
      if (r.runtime !== cA.value && r.runtime !== cB.value) return;
      var k = r.file + '\u0000' + r.test;
      (byKey[k] = byKey[k] || { file: r.file, test: r.test })[r.runtime === cA.value ? 'a' : 'b'] = r;
      if (cA.value === cB.value) byKey[k].b = r;
    });
    var differing = 0;
    Object.keys(byKey).forEach(function (k) {
      var x = byKey[k];
      var sa = x.a ? x.a.status : 'not run', sb = x.b ? x.b.status : 'not run';
      var ma = x.a ? x.a.message || '' : '', mb = x.b ? x.b.message || '' : '';
      if (sa === sb && ma === mb) return;
      differing++;
      function side(status, message) { return el('td', {}, [el('span', { class: status, text: status }), message ? el('pre', { text: message }) : null]); }
      table.appendChild(el('tr', { class: 'differs' }, [el('td', { text: x.file }), el('td', { text: x.test }), side(sa, ma), side(sb, mb)]));
    });
    document.getElementById('compare-count').textContent = runtimes.length < 2 ? 'only one runtime ran: nothing to compare' : differing + ' subtests differ in status or message';
  }
  cA.addEventListener('change', renderCompare); cB.addEventListener('change', renderCompare);
  render(); renderCompare();
})();
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
<p class="muted">Suite ${escapeHtml(results.suiteVersion)}, run ${escapeHtml(results.startedAt)} to ${escapeHtml(results.finishedAt)}, draft ${escapeHtml(draftText(results))}${results.interrupted ? `; <strong>interrupted</strong> (${escapeHtml(results.interrupted.signal)})` : ''}.</p>
<table id="runtimes"><tr><th>runtime</th><th>version</th><th>connect()</th><th>details</th></tr>
${runtimeRows.join('\n')}</table>
<h2>Matrix</h2>
<div id="filters"></div>
<p id="count"></p>
<table id="matrix"></table>
<h2>Compare two runtimes</h2>
<p><select id="compare-a"></select> against <select id="compare-b"></select> <span id="compare-count"></span></p>
<table id="compare"></table>
<h2>Subtests</h2>
<table id="subtests"></table>
${filesHtml}
${perfHtml(results)}
${coverageHtml}
${(options.histories ?? []).map(historyTimelineHtml).join('\n')}
<script type="application/json" id="data">${scriptJson({ results, anchorOrder: options.anchorOrder ?? [], specUrl: SPEC_URL })}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
