// The HTML report in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core; never a
// downloaded browser): the counts shown match the records, a filter changes them as it should, the
// compare view lists the differing subtests, a subtest opens by keyboard and shows its expectation,
// catalogue entries and source, every view is a link that reproduces it, nothing is fetched, and a
// screenshot is kept in out/.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkResults } from '../records/io.ts';
import type { RunResults } from '../records/result.ts';
import { fromRoot } from '../runners/paths.ts';
import { TENTATIVE_ROW, type SuiteIndex } from './format.ts';
import { htmlReport, tierBars } from './html.ts';
import { expectationLookup } from './causes.ts';
import type { LoadedExpectations } from '../records/expectations.ts';
import { junitXml } from './junit.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is absent: apt-get install -y chromium (CI installs it; there this test never skips)` : false;

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url);
let results: RunResults;
let index: SuiteIndex;
let tmp: string;
let browser: Browser;
let page: Page;
let fileUrl: string;
const requests: string[] = [];
const SOURCE_URL = 'https://example.invalid/suite/blob/0123abc/{path}';
const OPENED_REASON = 'the polyfill has no opened promise (observed: in this subtest)';
const expectations = new Map<string, LoadedExpectations>([
  ['node', { source: 'test', expectations: { runtime: 'node', files: { 'connect/returns.any.ts': { subtests: { 'opened is pending when connect() returns': { status: 'FAIL', reason: OPENED_REASON } } } } } }],
]);
const keyOf = (r: { runtime: string; file: string; test: string }) => `${r.runtime}|${r.file}|${r.test}`;

/** Loads the report afresh at `hash` (a new document, as a pasted link would). */
async function view(hash = ''): Promise<void> {
  await page.goto('about:blank');
  await page.goto(fileUrl + hash);
}
const hashParams = () => new URLSearchParams(new URL(page.url()).hash.slice(1));
/** The search applies once typing pauses: wait until the address carries it. */
const searched = (q: string) => page.waitForFunction((text) => new URLSearchParams(location.hash.slice(1)).get('q') === text, q);

before(async () => {
  if (skip) return;
  results = checkResults(JSON.parse(await readFile(testdata('results.json'), 'utf8')), 'results.json');
  index = JSON.parse(await readFile(testdata('index.json'), 'utf8')) as SuiteIndex;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-html-'));
  const file = path.join(tmp, 'report.html');
  await writeFile(file, htmlReport(results, { anchorOrder: index.anchors, index, expectations: expectationLookup(expectations), sourceUrl: SOURCE_URL }));
  fileUrl = pathToFileURL(file).href;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  assert.deepEqual(errors, [], 'the page script runs without errors');
}, { timeout: 60_000 });
after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const totalCell = (runtime: string) => page.locator(`#matrix tr.total td[data-runtime="${runtime}"]`);
const cellOf = (anchor: string, runtime: string) => page.locator(`#matrix tr[data-anchor="${anchor}"] td[data-runtime="${runtime}"]`);

describe('HTML report in Chromium', { skip, timeout: 60_000 }, () => {
  it('shows the counts of the records: totals per runtime, per anchor, and every subtest', async () => {
    for (const runtime of results.runtimes) {
      const records = results.results.filter((r) => r.runtime === runtime.id);
      const passed = records.filter((r) => r.status === 'PASS').length;
      assert.equal(await totalCell(runtime.id).textContent(), `${passed}/${records.length}`);
    }
    assert.equal(await cellOf('#connect-section', 'node').textContent(), '2/4');
    assert.equal(await cellOf('#connect-section', 'workerd').textContent(), '3/4');
    assert.equal(await cellOf('interop tier', 'workerd').textContent(), '0/1', 'the interop tier has its own row, outside the section rows');
    assert.equal(await page.locator('#subtests tr.subtest').count(), results.results.length);
    assert.equal(await page.locator('#count').getAttribute('data-shown'), String(results.results.length));
  });

  it('anchors link to the rendered draft', async () => {
    assert.equal(await page.locator('#matrix tr[data-anchor="#opened-attribute"] th a').getAttribute('href'), 'https://sockets-api.proposal.wintertc.org/#opened-attribute');
  });

  it('a failure message is folded and opens on click; markup in it stays text', async () => {
    const row = page.locator('#subtests tr.subtest', { hasText: 'a refused connection rejects opened with a SocketError' }).first();
    assert.equal(await page.locator('#subtests tr.detail').count(), 0, 'nothing is open at first');
    await row.locator('button.open').click();
    const message = page.locator('#subtests tr.detail pre.message');
    assert.equal(await message.isVisible(), true);
    assert.match((await message.textContent())!, /<SocketError> & "friends"/);
    await page.locator('#subtests tr.opened button.open').click();
    assert.equal(await page.locator('#subtests tr.detail').count(), 0, 'a second click closes it');
  });

  it('an opened subtest shows its expectation and reason, its catalogue entries with the draft anchor, and its source', async () => {
    const record = results.results.find((r) => r.runtime === 'node' && r.test === 'opened is pending when connect() returns')!;
    await view(`#${new URLSearchParams({ open: keyOf(record) })}`);
    const detail = page.locator('#subtests tr.detail');
    assert.equal(await detail.count(), 1);
    assert.equal(await detail.locator('pre.message').textContent(), record.message);
    assert.equal(await detail.locator('p.expectation').textContent(), `expectation: FAIL: ${OPENED_REASON}`);
    const entry = index.requirements.find((e) => e.id === record.requirements![0])!;
    const item = detail.locator('ul.requirements li');
    assert.equal(await item.count(), record.requirements!.length);
    assert.match((await item.first().textContent())!, new RegExp(`${entry.id} \\(${entry.level}, ${entry.anchor}\\): ${entry.statement.replace(/[.()]/g, '\\$&')}`));
    assert.equal(await item.first().locator('a').getAttribute('href'), `https://sockets-api.proposal.wintertc.org/${entry.anchor}`);
    assert.equal(await detail.locator('a.source').getAttribute('href'), `https://example.invalid/suite/blob/0123abc/tests/${record.file}`);
    // Without an entry, it says what is expected instead.
    const passing = results.results.find((r) => r.runtime === 'workerd' && r.test === record.test)!;
    await view(`#${new URLSearchParams({ open: keyOf(passing) })}`);
    assert.match((await page.locator('#subtests tr.detail p.expectation').textContent())!, /^expectation: none \(the subtest is expected to pass/);
  });

  it('works from the keyboard: / searches, Enter opens a subtest, Escape closes it and gives focus back', async () => {
    await view();
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
    await page.keyboard.type('upgrade');
    await searched('upgrade');
    const matching = results.results.filter((r) => [r.runtime, r.file, r.test, r.message ?? ''].join(' ').toLowerCase().includes('upgrade'));
    assert.equal(await page.locator('#subtests tr.subtest').count(), matching.length);
    assert.equal(hashParams().get('q'), 'upgrade');
    // Tab leaves the search box for the first link or button after it; walk on to the first subtest.
    for (let i = 0; i < 200 && !(await page.evaluate(() => document.activeElement?.classList.contains('open'))); i++) await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-key'));
    assert.ok(focused, 'a subtest button takes the focus by Tab');
    await page.keyboard.press('Enter');
    assert.equal(hashParams().get('open'), focused);
    assert.equal(await page.locator('#subtests tr.opened').getAttribute('data-key'), focused);
    assert.equal(await page.locator('#subtests tr.opened button.open').getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-key')), focused, 'the focus stays on the subtest');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#subtests tr.detail').count(), 0);
    assert.equal(hashParams().get('open'), null);
    assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-key')), focused, 'the focus is back on the subtest');
    assert.equal(hashParams().get('q'), 'upgrade', 'the search stays');
  });

  it('a link reproduces the view: filters, search, compare pair and the opened subtest, after a reload and in a new page', async () => {
    await view();
    await page.selectOption('#filter-runtime', 'node');
    await page.selectOption('#filter-level', 'required');
    await page.selectOption('#filter-anchor', '#connect-section');
    await page.fill('#search', 'opened');
    await searched('opened');
    await page.selectOption('#compare-a', 'workerd');
    await page.selectOption('#compare-b', 'node');
    await page.locator('#subtests button.open').first().click();
    const snapshot = () => page.evaluate(() => ({
      filters: Array.from(document.querySelectorAll('#filters select, #filters input')).map((e) => (e as HTMLInputElement).value),
      compare: [(document.getElementById('compare-a') as HTMLSelectElement).value, (document.getElementById('compare-b') as HTMLSelectElement).value],
      rows: Array.from(document.querySelectorAll('#subtests tr.subtest')).map((r) => r.getAttribute('data-key')),
      opened: document.querySelector('#subtests tr.opened')?.getAttribute('data-key') ?? null,
      matrix: document.getElementById('matrix')!.textContent,
      differs: document.querySelectorAll('#compare tr.differs').length,
    }));
    const before = await snapshot();
    assert.deepEqual(before.filters, ['node', 'required', '', '#connect-section', '', 'opened']);
    assert.deepEqual(before.compare, ['workerd', 'node']);
    assert.ok(before.opened && before.rows.length > 0);
    const link = page.url();
    const p = hashParams();
    assert.deepEqual([p.get('runtime'), p.get('level'), p.get('anchor'), p.get('q'), p.get('compare'), p.get('open')], ['node', 'required', '#connect-section', 'opened', 'workerd..node', before.opened]);
    await page.reload();
    assert.deepEqual(await snapshot(), before, 'a reload keeps the view');
    const other = await browser.newPage();
    try {
      await other.goto(link);
      const again = await other.evaluate(() => document.querySelector('#subtests tr.opened')?.getAttribute('data-key') ?? null);
      assert.equal(again, before.opened, 'the link opens the same subtest in a new page');
      assert.equal(await other.locator('#subtests tr.subtest').count(), before.rows.length);
    } finally {
      await other.close();
    }
    // A link inside the page (a matrix cell) is a view too, and the back button returns to the last one.
    await page.locator('#matrix tr[data-anchor="#connect-section"] td[data-runtime="node"] a').click();
    assert.deepEqual([hashParams().get('runtime'), hashParams().get('anchor'), hashParams().get('q')], ['node', '#connect-section', null]);
    assert.equal(await page.locator('#subtests tr.subtest').count(), results.results.filter((r) => r.runtime === 'node' && r.anchors.includes('#connect-section')).length);
    await page.goBack();
    assert.deepEqual(await snapshot(), before, 'back returns to the linked view');
  });

  it('bars at the top give each runtime\'s required and optional subtests passed, and link to them', async () => {
    await view();
    const bars = tierBars(results);
    assert.equal(await page.locator('#bars a.bar').count(), bars.length);
    for (const b of bars) {
      const records = results.results.filter((r) => r.runtime === b.runtime && r.level === b.tier && r.tier !== 'perf');
      assert.deepEqual([b.passed, b.total], [records.filter((r) => r.status === 'PASS').length, records.length]);
      const bar = page.locator(`#bars a.bar[data-runtime="${b.runtime}"][data-tier="${b.tier}"]`);
      assert.equal(await bar.locator('.bar-text').textContent(), `${b.tier} ${b.passed}/${b.total}`);
    }
    await page.locator('#bars a.bar[data-runtime="workerd"][data-tier="required"]').click();
    assert.equal(await page.locator('#subtests tr.subtest').count(), results.results.filter((r) => r.runtime === 'workerd' && r.level === 'required').length);
  });

  it('what to fix first lists causes, most required first, each a link to its subtests', async () => {
    await view();
    const causes = page.locator('#causes ol.causes[data-runtime="node"] li');
    const required = await causes.evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-required'))));
    assert.deepEqual(required, [...required].sort((a, b) => b - a));
    const opened = causes.filter({ hasText: 'the polyfill has no opened promise' });
    assert.match((await opened.textContent())!, /^1 required of 1 subtest: the polyfill has no opened promise \(expectation\)/, 'the expectation\'s reason, without its observed tail, names the cause');
    const id = new URLSearchParams((await opened.locator('a.cause').getAttribute('href'))!.slice(1)).get('cause');
    await opened.locator('a.cause').click();
    assert.equal(hashParams().get('cause'), id);
    assert.deepEqual(await page.locator('#subtests tr.subtest').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))), [keyOf(results.results.find((r) => r.test === 'opened is pending when connect() returns' && r.runtime === 'node')!)]);
    await page.locator('#clear-cause').click();
    assert.equal(hashParams().get('cause'), null);
  });

  it('filters by status, runtime, level and anchor change what is counted', async () => {
    await view();
    await page.selectOption('#filter-status', 'FAIL');
    const fails = results.results.filter((r) => r.status === 'FAIL');
    assert.equal(await page.locator('#subtests tr.subtest').count(), fails.length);
    assert.equal(await totalCell('node').textContent(), `0/${fails.filter((r) => r.runtime === 'node').length}`);
    await page.selectOption('#filter-status', '');

    await page.selectOption('#filter-runtime', 'workerd');
    await page.selectOption('#filter-level', 'required');
    const shown = results.results.filter((r) => r.runtime === 'workerd' && r.level === 'required');
    assert.equal(await page.locator('#subtests tr.subtest').count(), shown.length);
    assert.equal(await totalCell('workerd').textContent(), `${shown.filter((r) => r.status === 'PASS').length}/${shown.length}`);
    assert.equal(await totalCell('node').count(), 0, 'the node column is hidden');

    for (const id of ['#filter-runtime', '#filter-level']) await page.selectOption(id, '');
    await page.locator('#matrix tr[data-anchor="interop tier"] td[data-runtime="workerd"] a').click();
    assert.deepEqual([hashParams().get('runtime'), hashParams().get('tier')], ['workerd', 'interop'], 'a tier row links to that tier');
    assert.equal(await page.locator('#subtests tr.subtest').count(), results.results.filter((r) => r.runtime === 'workerd' && r.tier === 'interop').length);
    await page.selectOption('#filter-tier', '');
    await page.selectOption('#filter-level', 'required');
    await page.selectOption('#filter-anchor', '#starttls-method');
    assert.equal(await page.locator('#matrix tr[data-anchor]').count(), 1);
    await mkdir(fromRoot('out'), { recursive: true });
    await page.screenshot({ path: fromRoot('out/html-report.png'), fullPage: true });
    for (const id of ['#filter-runtime', '#filter-level', '#filter-anchor']) await page.selectOption(id, '');
  });

  it('the compare view lists the subtests where two runtimes differ, side by side', async () => {
    await view();
    const byTest = new Map<string, string[]>();
    for (const r of results.results) byTest.set(`${r.file} ${r.test}`, [...(byTest.get(`${r.file} ${r.test}`) ?? []), `${r.status}|${r.message ?? ''}`]);
    const differing = [...byTest.values()].filter((v) => v.length === 2 && v[0] !== v[1]).length;
    assert.equal(await page.locator('#compare tr.differs').count(), differing);
    assert.equal(await page.locator('#compare-count').textContent(), `${differing} subtests differ in status or message`);
    await page.selectOption('#compare-b', 'node');
    assert.equal(await page.locator('#compare tr.differs').count(), 0, 'a runtime never differs from itself');
  });

  it('files that did not finish normally are listed with their status and output', async () => {
    const rows = page.locator('#files tr');
    assert.equal(await rows.count(), 1 + results.files.filter((f) => f.status !== 'OK').length);
    assert.match((await rows.nth(1).textContent())!, /node\s*starttls\/upgrade\.any\.ts\s*CRASH/);
    assert.match((await rows.nth(1).locator('pre').textContent())!, /Error: boom\n\s+at <anonymous> & more/);
  });

  it('the performance section shows the figures of the records, said to be informational', async () => {
    const perf = results.perf ?? [];
    assert.ok(perf.length > 0, 'the records file has figures');
    assert.equal(await page.locator('#perf tr.figure').count(), perf.length);
    assert.match((await page.locator('#perf-preamble').textContent())!, /never pass \/ fail/);
    for (const p of perf) {
      const row = page.locator(`#perf tr.figure[data-runtime="${p.runtime}"][data-metric="${p.metric.replace(/"/g, '\\"')}"]`);
      const value = (await row.locator('td.value').textContent())!;
      assert.ok(value.endsWith(` ${p.unit}`), value);
      assert.ok(Math.abs(parseFloat(value) - p.value) / p.value < 0.01, `${p.runtime} ${p.metric}: ${value} shows ${p.value}`);
      const baseline = (await row.locator('td.baseline').textContent())!;
      if (p.baseline === undefined) assert.equal(baseline, '-');
      else assert.ok(Math.abs(parseFloat(baseline) - p.baseline) / p.baseline < 0.01, `${baseline} shows ${p.baseline}`);
      assert.equal(await row.locator('td.ratio').textContent(), p.ratio === undefined ? '-' : `${p.ratio.toFixed(2)}x`);
      assert.equal(await row.locator('td.note').textContent(), p.note ?? '', 'notes stay text, markup included');
    }
  });

  it('coverage lists the entry without a test first', async () => {
    assert.match((await page.locator('#coverage tr').nth(1).textContent())!, /info\.alpn-agreed.*no test/);
  });

  it('a long list shows its first 400 subtests, the opened one always, and the rest on request', async () => {
    const many: RunResults = { ...results, results: Array.from({ length: 450 }, (_, i) => ({ ...results.results[0]!, test: `subtest ${i}` })) };
    const file = path.join(tmp, 'many.html');
    await writeFile(file, htmlReport(many, { anchorOrder: index.anchors, index }));
    const other = await browser.newPage();
    try {
      await other.goto(`${pathToFileURL(file).href}#${new URLSearchParams({ open: keyOf(many.results[430]!) })}`);
      assert.equal(await other.locator('#subtests tr.subtest').count(), 401);
      assert.equal(await other.locator('#subtests tr.opened').getAttribute('data-key'), keyOf(many.results[430]!));
      assert.equal(await other.locator('#show-all').textContent(), 'show all 450 subtests (49 more)');
      await other.locator('#show-all').click();
      assert.equal(await other.locator('#subtests tr.subtest').count(), 450);
    } finally {
      await other.close();
    }
  });

  it('tentative subtests (open proposals) have a row of their own and count in no total', async () => {
    const withTentative: RunResults = { ...results, results: [...results.results, { ...results.results[0]!, test: 'a proposal', level: 'tentative', status: 'FAIL', message: 'not implemented' }] };
    const file = path.join(tmp, 'tentative.html');
    await writeFile(file, htmlReport(withTentative, { anchorOrder: index.anchors, index }));
    const other = await browser.newPage();
    try {
      await other.goto(pathToFileURL(file).href);
      const runtime = withTentative.results.at(-1)!.runtime;
      assert.equal(await other.locator(`#matrix tr[data-anchor="${TENTATIVE_ROW}"] td[data-runtime="${runtime}"]`).textContent(), '0/1');
      const scored = results.results.filter((r) => r.runtime === runtime);
      assert.equal(await other.locator(`#matrix tr.total td[data-runtime="${runtime}"]`).textContent(), `${scored.filter((r) => r.status === 'PASS').length}/${scored.length}`);
      assert.equal(await other.locator('#causes li', { hasText: 'not implemented' }).count(), 0, 'never a cause to fix');
    } finally {
      await other.close();
    }
  });

  it('a subtest that reproduces an upstream bug links to the report, in its row and opened', async () => {
    const upstream = [{ repository: 'example/runtime', number: 42, url: 'https://github.com/example/runtime/issues/42', title: 'close() loses the reason' }];
    const record = { ...results.results[0]!, test: 'a regression', tier: 'regression' as const, upstream };
    const file = path.join(tmp, 'upstream.html');
    await writeFile(file, htmlReport({ ...results, results: [...results.results, record] }, { anchorOrder: index.anchors, index }));
    const other = await browser.newPage();
    try {
      await other.goto(`${pathToFileURL(file).href}#${new URLSearchParams({ open: keyOf(record) })}`);
      assert.equal(await other.locator('#subtests tr.opened a.upstream').getAttribute('href'), upstream[0]!.url);
      assert.equal(await other.locator('#subtests tr.detail ul.upstream-reports li').textContent(), 'example/runtime#42: close() loses the reason');
      assert.equal(await other.locator(`#bars a.bar[data-runtime="${record.runtime}"][data-tier="regression"] .bar-text`).textContent(), `regression ${record.status === 'PASS' ? 1 : 0}/1`);
    } finally {
      await other.close();
    }
  });

  it('loaded nothing from the network', () => {
    assert.deepEqual(requests, []);
  });

  it('the JUnit output of the same records is well-formed XML to a real parser', async () => {
    const xml = junitXml(results);
    const verdict = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.querySelector('parsererror');
      return error ? `parsererror: ${error.textContent}` : `${doc.querySelectorAll('testcase').length} ${doc.querySelector('testcase failure')?.getAttribute('message')}`;
    }, xml);
    assert.equal(verdict, `${results.results.length + results.files.filter((f) => f.status !== 'OK').length} assert_true: is a TypeError <SocketError> & "friends" expected true got false`, "the escaped message reads back exactly");
  });
});
