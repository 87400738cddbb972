// "Known bugs reproduced": grouped by report, judged subtests show the bug when they do not pass,
// informational ones show their observation, and the section is absent without upstream reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultRecord, RunResults } from '../records/result.ts';
import { conformanceMarkdown } from './conformance.ts';
import { knownBugs, knownBugsMarkdown } from './known-bugs.ts';

const report = { repository: 'cloudflare/workerd', number: 6479, url: 'https://github.com/cloudflare/workerd/issues/6479', title: 'closed rejects after FIN' };
const other = { repository: 'cloudflare/workers-sdk', number: 12910, url: 'https://github.com/cloudflare/workers-sdk/issues/12910', title: 'localhost' };

function record(runtime: string, test: string, status: ResultRecord['status'], extra: Partial<ResultRecord> = {}): ResultRecord {
  return { runtime, file: 'regressions/x.any.ts', test, anchors: ['#closed-attribute'], level: 'required', status, message: status === 'PASS' ? null : 'closed rejected', durationMs: 1, tier: 'regression', upstream: [report], ...extra };
}

function results(records: ResultRecord[]): RunResults {
  return {
    schemaVersion: 1, startedAt: '2026-11-29T00:00:00Z', finishedAt: '2026-11-29T00:01:00Z', suiteVersion: '0',
    runtimes: [{ id: 'node', name: 'node', version: '20', impl: null }, { id: 'workerd', name: 'workerd', version: 'x', impl: null }],
    results: records, files: [],
  };
}

test('a report lists the runtimes on which a judged subtest did not pass', () => {
  const bugs = knownBugs(results([record('node', 'a', 'PASS'), record('workerd', 'a', 'FAIL')]));
  assert.equal(bugs.length, 1);
  assert.deepEqual(bugs[0]!.shownBy, ['workerd']);
  const md = knownBugsMarkdown(results([record('node', 'a', 'PASS'), record('workerd', 'a', 'FAIL')])).join('\n');
  assert.match(md, /^## Known bugs reproduced$/m);
  assert.match(md, /\[cloudflare\/workerd#6479\]\(https:\/\/github\.com\/cloudflare\/workerd\/issues\/6479\): closed rejects after FIN \| workerd \|/);
  assert.match(md, /\| not shown \| \*\*shown\*\* \(FAIL: closed rejected\) \|/);
});

test('informational subtests are never judged: their observation is the cell', () => {
  const info = (runtime: string, message: string) => record(runtime, 'b', 'PASS', { level: 'informational', message, upstream: [other] });
  const md = knownBugsMarkdown(results([info('node', 'reached IPv4'), info('workerd', 'refused')])).join('\n');
  assert.match(md, /\| not judged \|/);
  assert.match(md, /observed: reached IPv4 \| observed: refused/);
});

test('no upstream reports, no section; regression files get a section of their own in CONFORMANCE.md', () => {
  assert.deepEqual(knownBugsMarkdown(results([record('node', 'a', 'PASS', { upstream: undefined })])), []);
  const md = conformanceMarkdown(results([record('node', 'a', 'PASS'), record('workerd', 'a', 'FAIL')]));
  assert.ok(md.indexOf('## Known bugs reproduced') < md.indexOf('## Where runtimes disagree'), 'the known bugs come right after the matrix');
  assert.match(md, /^## Reported bugs \(regression tier\)$/m);
  assert.doesNotMatch(md, /interop tier/);
  assert.match(md, /\| a \(\[cloudflare\/workerd#6479\]\(https:\/\/github\.com\/cloudflare\/workerd\/issues\/6479\)\) \| required \|/);
});
