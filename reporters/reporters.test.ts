// Every reporter on a fixed, hand-built records file (reporters/testdata/results.json): golden
// outputs for the text formats, the wptreport checked field by field, JUnit's escaping and counts.
// Regenerate the goldens after an intended change with UPDATE_GOLDEN=1 and review the diff.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { checkResults } from '../records/io.ts';
import { badgeEndpointJson, badges, badgeSvg } from './badges.ts';
import { conformanceMarkdown, disagreements, newestChanges } from './conformance.ts';
import { buildCoverage, coverageMarkdown, coverageText } from './coverage.ts';
import { buildMatrix, perfFigures, type SuiteIndex } from './format.ts';
import { junitXml, xmlEscape } from './junit.ts';
import { markdownReport, perfMarkdown } from './markdown.ts';
import { terminalMatrix } from './matrix.ts';
import { wptReport } from './wptreport.ts';
import type { Colours } from './summary.ts';

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url);
const results = checkResults(JSON.parse(await readFile(testdata('results.json'), 'utf8')), 'results.json');
const index = JSON.parse(await readFile(testdata('index.json'), 'utf8')) as SuiteIndex;
const anchorOrder = index.anchors;

async function golden(name: string, actual: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN) await writeFile(testdata(name), actual);
  assert.equal(actual, await readFile(testdata(name), 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
}

describe('matrix', () => {
  it('counts passed / total per anchor and runtime; multi-anchor subtests count in each row', () => {
    const m = buildMatrix(results, 'anchor', anchorOrder);
    assert.deepEqual(m.rows.map((r) => r.key), ['#opened-attribute', '#starttls-method', '#socket-error', '#connect-section', '#socketinfo-dictionary', 'interop tier']);
    const connect = m.rows.find((r) => r.key === '#connect-section')!.cells;
    assert.deepEqual([connect.node!.passed, connect.node!.total, connect.workerd!.passed, connect.workerd!.total], [2, 4, 3, 4]);
    assert.deepEqual([m.totals.all.node!.passed, m.totals.all.node!.total], [4, 8]);
    const interop = m.rows.find((r) => r.key === 'interop tier')!.cells;
    assert.deepEqual([interop.node!.passed, interop.node!.total, interop.workerd!.passed, interop.workerd!.total], [1, 1, 0, 1], 'the interop tier has its own row, not the section rows');
    assert.deepEqual([m.totals.required.workerd!.passed, m.totals.required.workerd!.total], [3, 4]);
  });

  it('terminal, plain (golden) and by file with details (golden)', async () => {
    await golden('matrix.txt', terminalMatrix(results, { anchorOrder }) + '\n');
    await golden('matrix-by-file-details.txt', terminalMatrix(results, { by: 'file', details: true }) + '\n');
  });

  it('colours go through the caller\'s functions, by grade', () => {
    const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
    const c: Colours = { green: tag('g'), red: tag('r'), yellow: tag('y'), dim: tag('d'), bold: tag('b') };
    const text = terminalMatrix(results, { anchorOrder, colours: c });
    assert.match(text, /#opened-attribute\s+<r>0\/1\s*<\/r>\s+<g>1\/1\s*<\/g>/);
    assert.match(text, /#connect-section\s+<y>2\/4\s*<\/y>/);
  });
});

describe('wptreport', () => {
  const report = wptReport(results, 'workerd', { os: 'linux' });
  it('run_info has the fields wpt.fyi requires, from the records', () => {
    assert.equal(report.run_info.product, 'workerd');
    assert.equal(report.run_info.browser_version, '2026-11-17');
    assert.equal(report.run_info.os, 'linux');
    assert.equal(report.run_info.revision, 'abc1234');
    assert.deepEqual(report.run_info.details, { compatibilityDate: '2026-11-17', compatibilityFlags: 'nodejs_compat' });
  });
  it('time_start and time_end are epoch milliseconds', () => {
    assert.equal(report.time_start, Date.UTC(2026, 10, 20, 9, 0, 0, 0));
    assert.equal(report.time_end, Date.UTC(2026, 10, 20, 9, 0, 42, 500));
  });
  it('one result per file with test, status, message, duration and subtests {name, status, message}', () => {
    assert.deepEqual(report.results.map((r) => Object.keys(r).sort()), report.results.map(() => ['duration', 'message', 'status', 'subtests', 'test']));
    assert.deepEqual(report.results.map((r) => [r.test, r.status, r.duration]), [
      ['/connect/refused.any.ts', 'OK', 60], ['/connect/returns.any.ts', 'OK', 55], ['/interop/pg.any.ts', 'OK', 8100], ['/starttls/upgrade.any.ts', 'TIMEOUT', 10000],
    ]);
    assert.equal(report.results[3]!.message, 'no completion within 10000 ms');
    assert.deepEqual(report.results[3]!.subtests, [
      { name: 'startTls() returns a new socket', status: 'PASS', message: null },
      { name: 'bytes flow after the upgrade', status: 'TIMEOUT', message: 'still running when the file timed out' },
      { name: 'alpn is reported', status: 'NOTRUN', message: 'not reached before the file timed out' },
    ]);
  });
  it('statuses stay within wpt\'s vocabulary: a subtest CRASH becomes ERROR, the file keeps CRASH', () => {
    const node = wptReport(results, 'node', { os: 'linux' });
    const upgrade = node.results.find((r) => r.test === '/starttls/upgrade.any.ts')!;
    assert.equal(upgrade.status, 'CRASH');
    assert.deepEqual(upgrade.subtests.map((s) => s.status), ['PASS', 'ERROR', 'PRECONDITION_FAILED']);
    const subtestVocabulary = new Set(['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED', 'ERROR', 'SKIP']);
    const fileVocabulary = new Set(['OK', 'ERROR', 'TIMEOUT', 'CRASH', 'PRECONDITION_FAILED', 'SKIP']);
    for (const r of [...node.results, ...report.results]) {
      assert.ok(fileVocabulary.has(r.status), r.status);
      for (const s of r.subtests) assert.ok(subtestVocabulary.has(s.status), s.status);
    }
  });
});

describe('JUnit', () => {
  const xml = junitXml(results);
  it('escapes markup, quotes and newlines, and replaces characters XML cannot hold', () => {
    assert.equal(xmlEscape('a<b>&"c"\'d\'\ne\u0001'), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;e\uFFFD');
    assert.equal(xml.includes('\u0001'), false);
    assert.match(xml, /message="assert_true: is a TypeError &lt;SocketError&gt; &amp; &quot;friends&quot; expected true got false"/);
  });
  it('every & starts an entity and no text or attribute holds a raw <', () => {
    assert.equal(/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(xml), false);
    const withoutTags = xml.replace(/<\?xml[^>]*\?>/, '').replace(/<\/?[A-Za-z-]+(\s+[a-z.-]+="[^"<]*")*\s*\/?>/g, '');
    assert.equal(/[<>]/.test(withoutTags), false, 'every < belongs to a well-formed tag');
  });
  it('one testsuite per runtime × file, with counts that match the records, and a file that did not finish as an error', () => {
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/g)].map((m) => m.slice(1).join(' '));
    assert.deepEqual(suites, [
      'node connect/refused.any.ts 2 1 0 0', 'node connect/returns.any.ts 2 1 0 0', 'node interop/pg.any.ts 1 0 0 0', 'node starttls/upgrade.any.ts 4 0 2 1',
      'workerd connect/refused.any.ts 2 1 0 0', 'workerd connect/returns.any.ts 2 0 0 0', 'workerd interop/pg.any.ts 1 1 0 0', 'workerd starttls/upgrade.any.ts 4 0 2 1',
    ]);
    assert.match(xml, /<testsuites name="sockets-conformance 0\.1\.0\+abc1234" tests="18" failures="4" errors="4" skipped="2">/);
  });
  it('a tentative or informational subtest that did not pass is skipped with its status, never a failure', () => {
    const base = results.results.find((r) => r.status === 'FAIL')!;
    const unjudged = { ...results, results: (['tentative', 'informational'] as const).map((level) => ({ ...base, level, test: `${level} case` })) };
    const out = junitXml(unjudged);
    assert.match(out, /<testsuites [^>]*failures="0" errors="\d+" skipped="2">/);
    assert.match(out, /<skipped message="tentative, not judged: FAIL: /);
    assert.match(out, /<skipped message="informational, not judged: FAIL: /);
  });
  it('golden', () => golden('junit.xml', xml));
});

describe('Markdown, coverage, CONFORMANCE.md', () => {
  it('Markdown report (golden)', () => golden('report.md', markdownReport(results, { anchorOrder })));

  it('coverage lists entries with no test first, and each runtime\'s result', async () => {
    const cov = buildCoverage(index, results);
    assert.equal(cov.uncovered, 1);
    assert.equal(cov.entries[0]!.id, 'info.alpn-agreed');
    const pending = cov.entries.find((e) => e.id === 'connect.returns-pending')!;
    assert.deepEqual(pending.subtests, [{ file: 'connect/returns.any.ts', name: 'opened is pending when connect() returns', results: { node: 'FAIL', workerd: 'PASS' } }]);
    await golden('coverage.md', coverageMarkdown(cov));
    await golden('coverage.txt', coverageText(cov) + '\n');
  });

  it('disagreements: optional and informational subtests whose status or message differ, never required ones', () => {
    const d = disagreements(results);
    assert.deepEqual(d.map((x) => x.test), ['a refused connection rejects opened with a SocketError', 'the message of a refused connection', 'pg runs a query over connect()', 'alpn is reported']);
    assert.deepEqual(d[1]!.observed, { node: { status: 'PASS', message: 'connect ECONNREFUSED 127.0.0.1:9' }, workerd: { status: 'PASS', message: 'Network connection lost.\u0001' } });
  });

  it('CONFORMANCE.md carries versions with workerd\'s compatibility date and flags, the date, disagreements (golden)', async () => {
    const text = conformanceMarkdown(results, { anchorOrder });
    assert.match(text, /compatibilityDate: 2026-11-17; compatibilityFlags: nodejs_compat/);
    assert.match(text, /run on 2026-11-20/);
    assert.match(text, /\| `connect\/refused\.any\.ts`: the message of a refused connection \| informational \| PASS: connect ECONNREFUSED 127\.0\.0\.1:9 \| PASS: Network connection lost\./);
    assert.match(text, /\| bun \| not run \|/);
    assert.match(text, /## Real clients over connect\(\) \(interop tier\)[^]*\| pg runs a query over connect\(\) \| optional \| PASS \| FAIL: the query never returned \|/);
    assert.doesNotMatch(text.split('## Real clients')[0]!.split('## Per section')[1]!, /pg runs a query/, 'interop subtests stay out of the section tables');
    assert.match(text.split('## Real clients')[1]!, /\n## Performance \(informational\)\n\nInformational, never pass \/ fail[^]*\| echo throughput, one connection \(MiB\/s, higher is better\) \| node \| 308 MiB\/s \| 306 MiB\/s \| 1\.01x \|/, 'the perf section follows the interop section');
    await golden('CONFORMANCE.md', text);
  });
});

describe('performance figures (informational)', () => {
  it('grouped by metric in the order reported, runtimes in column order', () => {
    const figures = perfFigures(results);
    assert.deepEqual(figures.map((f) => f.metric), ['echo throughput, one connection', '1-byte round trip, p50', '1-byte round trip, mean', 'connection set-up (connect, 1-byte echo, close)']);
    assert.deepEqual(figures[3]!.records.map((p) => p.runtime), ['node', 'workerd']);
  });

  it('each figure with its unit, baseline, ratio and note; a figure without a baseline shows none', () => {
    const text = perfMarkdown(results).join('\n');
    assert.match(text, /never pass \/ fail/);
    assert.match(text, /\| echo throughput, one connection \(MiB\/s, higher is better\) \| workerd \| 125 MiB\/s \| 306 MiB\/s \| 0\.41x \| 8 MiB written/);
    assert.match(text, /\| 1-byte round trip, p50 \(µs, lower is better\) \| node \| 120 µs \| 145 µs \| 0\.83x \|  \|/);
    assert.match(text, /\| workerd \| 1869 conn\/s \| - \| - \| no baseline in this run \|/);
    assert.match(text, /moves in whole milliseconds \\\| the mean/, 'a pipe in a note does not split the cell');
    assert.match(text, /no &lt;opened&gt; here &amp; so/);
  });

  it('perf-tier subtests that did not pass are listed as not measured, with the reason; none without figures', () => {
    const perfRun = {
      ...results,
      results: [
        { runtime: 'deno', file: 'perf/tls.perf.ts', test: 'startTls() upgrade', anchors: [], level: 'informational' as const, status: 'FAIL' as const, message: 'did not complete within 3000 ms\nstack', durationMs: 3000, tier: 'perf' as const },
        { runtime: 'deno', file: 'perf/tls.perf.ts', test: 'TLS connect', anchors: [], level: 'informational' as const, status: 'PASS' as const, message: null, durationMs: 100, tier: 'perf' as const },
      ],
    };
    const text = perfMarkdown(perfRun).join('\n');
    assert.match(text, /Not measured:\n\n- deno: startTls\(\) upgrade: FAIL \(did not complete within 3000 ms\)\n/);
    assert.doesNotMatch(text, /TLS connect/);
    // CONFORMANCE.md takes the figures from the conformance results and the reasons from the perf
    // tier's own run, whose subtests stay out of its matrix.
    const conformance = conformanceMarkdown(results, { perfRun });
    assert.match(conformance, /Not measured:\n\n- deno: startTls\(\) upgrade: FAIL \(did not complete within 3000 ms\)\n/);
    assert.doesNotMatch(conformance, /perf tier/);
    assert.deepEqual(perfMarkdown({ ...results, perf: undefined }), []);
    assert.doesNotMatch(markdownReport({ ...results, perf: undefined }), /Performance/);
  });
});

describe('badges', () => {
  it('one per runtime: required passed / total, coloured by grade; SVG and shields.io endpoint JSON', () => {
    const b = badges(results);
    assert.deepEqual(b.map((x) => [x.label, x.message, x.color]), [['node', '2/4 required', 'yellow'], ['workerd', '3/4 required', 'yellow']]);
    const svg = badgeSvg(b[1]!);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /workerd/);
    assert.match(svg, /3\/4 required/);
    assert.deepEqual(JSON.parse(badgeEndpointJson(b[0]!)), { schemaVersion: 1, label: 'node', message: '2/4 required', color: 'yellow' });
  });
});

describe('tentative subtests and the draft', () => {
  const tentative = {
    ...results,
    results: [
      ...results.results,
      { runtime: 'node', file: 'connect/signal.tentative.any.ts', test: 'a proposal (issue #34)', anchors: ['#connect-section'], level: 'tentative' as const, status: 'FAIL' as const, message: 'no signal option', durationMs: 1 },
      { runtime: 'workerd', file: 'connect/signal.tentative.any.ts', test: 'a proposal (issue #34)', anchors: ['#connect-section'], level: 'tentative' as const, status: 'PASS' as const, message: null, durationMs: 1 },
    ],
  };

  it('are shown in a row of their own and counted in no total, anchor row or badge', () => {
    const before = buildMatrix(results);
    const after = buildMatrix(tentative);
    assert.deepEqual(after.totals, before.totals);
    assert.deepEqual(after.rows.find((r) => r.key === '#connect-section'), before.rows.find((r) => r.key === '#connect-section'));
    const row = after.rows.at(-1)!;
    assert.match(row.key, /^tentative/);
    assert.deepEqual([row.cells.node!.passed, row.cells.node!.total, row.cells.workerd!.passed], [0, 1, 1]);
    assert.deepEqual(badges(tentative), badges(results));
    assert.match(terminalMatrix(tentative), /\ntentative \(open proposals, not scored\)\s+0\/1\s+1\/1\n/);
  });

  it('every report names the draft commit', () => {
    assert.match(terminalMatrix(results), /draft: WinterTC55\/proposal-sockets-api@3ab96d5 \(2025-06-11\)/);
    assert.match(conformanceMarkdown(results), /Draft: WinterTC55\/proposal-sockets-api@3ab96d5/);
    assert.match(markdownReport(results), /Draft: WinterTC55\/proposal-sockets-api@3ab96d5/);
    assert.match(junitXml(results), /<property name="draft" value="WinterTC55\/proposal-sockets-api@3ab96d5 \(2025-06-11\)"\/>/);
    assert.equal((wptReport(results, 'node').run_info as Record<string, unknown>).draft, 'WinterTC55/proposal-sockets-api@3ab96d5 (2025-06-11)');
    const { draft: _gone, ...older } = results;
    assert.match(terminalMatrix(older as typeof results), /draft: not recorded in these results/);
  });
});

describe('CONFORMANCE.md: what changed', () => {
  it('takes the newest section of CHANGES.md and puts it before the matrix', () => {
    const changes = newestChanges('# Changes\n\nintro\n\n## Draft B\n\n- b moved\n\n## Draft A\n\n- a moved\n');
    assert.equal(changes, '**Draft B**\n\n- b moved');
    const md = conformanceMarkdown(results, { changes });
    assert.ok(md.indexOf('## What changed') < md.indexOf('## Matrix'));
    assert.match(md, /## What changed\n\n\*\*Draft B\*\*\n\n- b moved\n/);
    assert.doesNotMatch(md, /a moved/);
    assert.equal(newestChanges('# Changes only\n'), undefined);
  });
});
