// The reporters on a live run (Node with the polyfill, one spec file), `report --from` rebuilding the
// same outputs from the saved results.json, and `run` judging against expectations: exit 0 when all
// is as expected, 1 on an unexpected pass or a stale entry, 2 on a malformed file.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { suiteIndex, writeReports } from '../cli/write-reports.ts';
import { loadForRun } from '../cli/judge.ts';
import type { Expectations } from '../records/expectations.ts';
import { readResults } from '../records/io.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles, filterFiles } from '../runners/discover.ts';
import { fromRoot } from '../runners/paths.ts';
import { run } from '../runners/run.ts';
import { buildMatrix } from './format.ts';
import { wptReport } from './wptreport.ts';

const FILTER = 'connect/returns.any.ts';
let tmp: string;
let results: RunResults;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Bounded: a hang anywhere below (runner, fixtures) fails this file instead of stalling npm test.
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-reporters-live-'));
  results = await run({ files: filterFiles(await discoverTestFiles(), FILTER), runtimes: ['node'] });
}, { timeout: 60_000 });
after(() => rm(tmp, { recursive: true, force: true }));

describe('reporters on a live run', { timeout: 90_000 }, () => {
  it('writeReports writes every output, each consistent with the records', async () => {
    assert.ok(results.results.length > 0, 'the run produced records');
    const dir = path.join(tmp, 'live');
    const written = await writeReports(results, dir);
    assert.deepEqual(written.map((f) => path.relative(dir, f)).sort(), [
      'CONFORMANCE.md', 'badges/node.json', 'badges/node.svg', 'coverage.md', 'junit.xml', 'report.html', 'report.md', 'results.json', 'wptreport-node.json',
    ]);
    assert.deepEqual(await readResults(dir), results);

    const wpt = JSON.parse(await readFile(path.join(dir, 'wptreport-node.json'), 'utf8')) as ReturnType<typeof wptReport>;
    assert.equal(wpt.run_info.product, 'node');
    assert.equal(wpt.run_info.browser_version, results.runtimes[0]!.version);
    assert.equal(wpt.results.length, results.files.length);
    assert.equal(wpt.results.flatMap((r) => r.subtests).length, results.results.length);

    const junit = await readFile(path.join(dir, 'junit.xml'), 'utf8');
    assert.equal((junit.match(/<testcase /g) ?? []).length, results.results.length + results.files.filter((f) => f.status !== 'OK').length);

    const required = buildMatrix(results).totals.required.node!;
    const badge = JSON.parse(await readFile(path.join(dir, 'badges/node.json'), 'utf8')) as { message: string };
    assert.equal(badge.message, `${required.passed}/${required.total} required`);

    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing is loaded from elsewhere');
  });

  it('report --from rebuilds the same outputs from the saved results.json', async () => {
    const first = path.join(tmp, 'first');
    // As `run` does: with the expectations, whose reasons name the causes (report --from reads the same folder).
    await writeReports(results, first, { index: await suiteIndex(), expectations: await loadForRun() });
    const second = path.join(tmp, 'second');
    const r = await cli(['report', '--from', first, '--out', second, '--details']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^anchor\s+node/);
    assert.match(r.stdout, /required\s+\d+\/\d+/);
    const names = async (d: string) => (await readdir(d, { recursive: true })).sort();
    assert.deepEqual(await names(second), await names(first));
    for (const name of (await names(first)).filter((n) => n.includes('.'))) {
      assert.equal(await readFile(path.join(second, name), 'utf8'), await readFile(path.join(first, name), 'utf8'), name);
    }
  });
});

describe('run against expectations', { timeout: 120_000 }, () => {
  it('exit 0 when the expectations match, 1 on an unexpected pass or a stale entry, 2 on a malformed file', async () => {
    const dir = path.join(tmp, 'expectations');
    const out = path.join(tmp, 'run-out');
    const update = await cli(['run', '--runtime', 'node', '--filter', FILTER, '--out', out, '--expectations', dir, '--update-expectations']);
    assert.equal(update.code, 0, update.stdout + update.stderr);
    assert.match(update.stdout, /expectations written to .*node\.json/);
    const written = JSON.parse(await readFile(path.join(dir, 'node.json'), 'utf8')) as Expectations;

    const again = await cli(['run', '--runtime', 'node', '--filter', FILTER, '--out', out, '--expectations', dir]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /node: \d+ expected, 0 unexpected, 0 unexpected passes, 0 flaky, 0 skipped, 0 stale entries/);

    // An entry that expects a passing subtest to fail, and one for a subtest that does not exist.
    const saved = await readResults(out);
    const passing = saved.results.find((r) => r.status === 'PASS');
    const subtests = { ...(written.files[FILTER]?.subtests ?? {}), 'a subtest that was renamed': { status: 'FAIL' as const, reason: 'stale on purpose' } };
    if (passing) Object.assign(subtests, { [passing.test]: { status: 'FAIL', reason: 'pretends to fail' } });
    await writeFile(path.join(dir, 'node.json'), JSON.stringify({ runtime: 'node', files: { ...written.files, [FILTER]: { ...written.files[FILTER], subtests } } }));
    const unexpected = await cli(['run', '--runtime', 'node', '--filter', FILTER, '--out', out, '--expectations', dir]);
    assert.equal(unexpected.code, 1, unexpected.stdout + unexpected.stderr);
    assert.match(unexpected.stdout, /STALE .*node\.json: connect\/returns\.any\.ts "a subtest that was renamed"/);
    if (passing) assert.match(unexpected.stdout, /UNEXPECTED PASS node connect\/returns\.any\.ts .*remove the entry from .*node\.json/);

    await writeFile(path.join(dir, 'node.json'), JSON.stringify({ runtime: 'node', files: { [FILTER]: { subtests: { x: { status: 'WRONG', reason: 'r' } } } } }));
    const malformed = await cli(['run', '--runtime', 'node', '--filter', FILTER, '--out', out, '--expectations', dir]);
    assert.equal(malformed.code, 2);
    assert.equal(malformed.stderr.trim().split('\n').length, 1, malformed.stderr);
    assert.match(malformed.stderr, /node\.json: \$\.files\["connect\/returns\.any\.ts"\]\.subtests\.x\.status must be one of/);
  });
});
