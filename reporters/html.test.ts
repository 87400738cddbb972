// The HTML report in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core; never a
// downloaded browser): the counts shown match the records, a filter changes them as it should, the
// compare view lists the differing subtests, nothing is fetched, and a screenshot is kept in out/.

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
import type { SuiteIndex } from './format.ts';
import { htmlReport } from './html.ts';
import { junitXml } from './junit.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is absent: apt-get install -y chromium (CI installs it; there this test never skips)` : false;

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url);
let results: RunResults;
let index: SuiteIndex;
let tmp: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];

before(async () => {
  if (skip) return;
  results = checkResults(JSON.parse(await readFile(testdata('results.json'), 'utf8')), 'results.json');
  index = JSON.parse(await readFile(testdata('index.json'), 'utf8')) as SuiteIndex;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-html-'));
  const file = path.join(tmp, 'report.html');
  await writeFile(file, htmlReport(results, { anchorOrder: index.anchors, index }));
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
    assert.equal(await page.locator('#matrix tr[data-anchor="#opened-attribute"] a').getAttribute('href'), 'https://sockets-api.proposal.wintertc.org/#opened-attribute');
  });

  it('a failure message is folded and opens on click; markup in it stays text', async () => {
    const details = page.locator('#subtests details', { hasText: 'a refused connection rejects opened with a SocketError' }).first();
    const message = details.locator('pre');
    assert.equal(await message.isVisible(), false);
    await details.locator('summary').click();
    assert.equal(await message.isVisible(), true);
    assert.match((await message.textContent())!, /<SocketError> & "friends"/);
  });

  it('filters by status, runtime, level and anchor change what is counted', async () => {
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

    await page.selectOption('#filter-anchor', '#starttls-method');
    assert.equal(await page.locator('#matrix tr[data-anchor]').count(), 1);
    await mkdir(fromRoot('out'), { recursive: true });
    await page.screenshot({ path: fromRoot('out/html-report.png'), fullPage: true });
    for (const id of ['#filter-runtime', '#filter-level', '#filter-anchor']) await page.selectOption(id, '');
  });

  it('the compare view lists the subtests where two runtimes differ, side by side', async () => {
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
