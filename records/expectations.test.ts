// Expectations: every outcome of the comparison, the update, and each kind of malformed file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  applySkips, compare, expectationsSchema, ExpectationsError, hasUnexpected, loadExpectations, messageFingerprint, parseExpectations, tallyLine, unexpectedFlaky, updateExpectations,
  type Expectations, type LoadedExpectations,
} from './expectations.ts';
import { SCHEMA_VERSION, type FileRecord, type Level, type ResultRecord, type RunResults, type SubtestStatus } from './result.ts';

const sub = (file: string, test: string, status: SubtestStatus, level: Level = 'required', message: string | null = null): ResultRecord =>
  ({ runtime: 'node', file, test, anchors: ['#opened-attribute'], level, status, message, durationMs: 1 });
const fileRec = (file: string, status: FileRecord['status'] = 'OK', message: string | null = null): FileRecord =>
  ({ runtime: 'node', file, status, message, durationMs: 5 });

function runOf(results: ResultRecord[], files: FileRecord[]): RunResults {
  return {
    schemaVersion: SCHEMA_VERSION, startedAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:01.000Z', suiteVersion: '0.1.0',
    runtimes: [{ id: 'node', name: 'node', version: '20.20.2', impl: null }], results, files,
  };
}
const loaded = (e: Omit<Expectations, 'runtime'>): Map<string, LoadedExpectations> =>
  new Map([['node', { source: 'expectations/node.json', expectations: { runtime: 'node', ...e } }]]);

describe('compare', () => {
  it('an expected FAIL is expected, and nothing is unexpected', () => {
    const c = compare(runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'boom')], [fileRec('a.any.ts')]),
      loaded({ files: { 'a.any.ts': { subtests: { x: { status: 'FAIL', reason: 'polyfill lacks it' } } } } }));
    assert.deepEqual(c.perRuntime.node, { expected: 2, unexpected: 0, unexpectedPasses: 0, flaky: 0, skipped: 0, stale: 0 });
    assert.equal(hasUnexpected(c), false);
  });

  it('a FAIL with no entry is unexpected and the verdict says what was expected', () => {
    const c = compare(runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'boom')], [fileRec('a.any.ts')]), new Map());
    assert.equal(c.unexpected.length, 1);
    assert.deepEqual({ ...c.unexpected[0] }, { runtime: 'node', file: 'a.any.ts', test: 'x', level: 'required', status: 'FAIL', expected: 'PASS', reason: null, message: 'boom', source: null });
    assert.equal(hasUnexpected(c), true);
  });

  it('a different non-pass status than the expected one is unexpected (FAIL expected, TIMEOUT seen)', () => {
    const c = compare(runOf([sub('a.any.ts', 'x', 'TIMEOUT')], [fileRec('a.any.ts', 'TIMEOUT')]),
      loaded({ files: { 'a.any.ts': { status: 'TIMEOUT', reason: 'hangs', subtests: { x: { status: 'FAIL', reason: 'r' } } } } }));
    assert.equal(c.unexpected.length, 1);
    assert.equal(c.unexpected[0]!.expected, 'FAIL');
    assert.equal(c.unexpected[0]!.source, 'expectations/node.json');
    assert.equal(c.perRuntime.node!.expected, 1, 'the file-level TIMEOUT was expected');
  });

  it('a PASS of an expected failure is an unexpected pass, kept apart from regressions', () => {
    const c = compare(runOf([sub('a.any.ts', 'x', 'PASS')], [fileRec('a.any.ts')]),
      loaded({ files: { 'a.any.ts': { subtests: { x: { status: 'FAIL', reason: 'r' } } } } }));
    assert.equal(c.unexpected.length, 0);
    assert.equal(c.unexpectedPasses.length, 1);
    assert.equal(c.unexpectedPasses[0]!.source, 'expectations/node.json', 'names the file to edit');
    assert.equal(hasUnexpected(c), true);
  });

  it('a file expected to crash that is OK is an unexpected pass', () => {
    const c = compare(runOf([], [fileRec('a.any.ts')]), loaded({ files: { 'a.any.ts': { status: 'CRASH', reason: 'r' } } }));
    assert.equal(c.unexpectedPasses.length, 1);
    assert.equal(c.unexpectedPasses[0]!.test, null);
  });

  it('a flaky subtest is expected whatever it does', () => {
    const exp = loaded({ files: { 'a.any.ts': { subtests: { x: { flaky: true, reason: 'races the server' } } } } });
    for (const status of ['PASS', 'FAIL', 'TIMEOUT'] as const) {
      const c = compare(runOf([sub('a.any.ts', 'x', status)], [fileRec('a.any.ts')]), exp);
      assert.equal(c.perRuntime.node!.flaky, 1, status);
      assert.equal(hasUnexpected(c), false, status);
    }
  });

  it('entries matching no subtest are stale; entries for files not run are only stale when the file is gone', () => {
    const c = compare(runOf([sub('a.any.ts', 'x', 'PASS')], [fileRec('a.any.ts')]), loaded({ files: {
      'a.any.ts': { subtests: { renamed: { status: 'FAIL', reason: 'r' } } },
      'b.any.ts': { subtests: { y: { status: 'FAIL', reason: 'r' } } },
      'gone.any.ts': { subtests: { z: { status: 'FAIL', reason: 'r' } } },
    } }), { knownFiles: ['a.any.ts', 'b.any.ts'] });
    assert.deepEqual(c.stale.map((s) => [s.file, s.test]), [['a.any.ts', 'renamed'], ['gone.any.ts', null]]);
    assert.equal(c.perRuntime.node!.stale, 2);
    assert.equal(hasUnexpected(c), true);
  });

  it('by default informational FAIL and optional PRECONDITION_FAILED are fine, a required NOTRUN is not', () => {
    const c = compare(runOf([
      sub('a.any.ts', 'info', 'FAIL', 'informational'),
      sub('a.any.ts', 'opt', 'PRECONDITION_FAILED', 'optional'),
      sub('a.any.ts', 'opt-fail', 'FAIL', 'optional'),
      sub('a.any.ts', 'req', 'NOTRUN'),
    ], [fileRec('a.any.ts')]), new Map());
    assert.deepEqual(c.unexpected.map((v) => v.test), ['opt-fail', 'req']);
  });

  it('skip entries turn records into SKIP, keep what was observed, and count as skipped', () => {
    const results = runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'boom'), sub('b.any.ts', 'y', 'TIMEOUT')], [fileRec('a.any.ts'), fileRec('b.any.ts', 'TIMEOUT')]);
    const exp = loaded({ files: { 'a.any.ts': { subtests: { x: { skip: true, reason: 'kills the runtime' } } }, 'b.any.ts': { skip: true, reason: 'hangs' } } });
    const skipped = applySkips(results, exp);
    assert.equal(results.results[0]!.status, 'FAIL', 'the input is left as it was');
    assert.deepEqual(skipped.results.map((r) => r.status), ['SKIP', 'SKIP']);
    assert.match(skipped.results[0]!.message!, /kills the runtime.*FAIL: boom/);
    const c = compare(skipped, exp);
    assert.deepEqual(c.perRuntime.node, { expected: 4, unexpected: 0, unexpectedPasses: 0, flaky: 0, skipped: 2, stale: 0 });
  });

  it('the summary line counts per runtime', () => {
    assert.equal(tallyLine('node', { expected: 3, unexpected: 1, unexpectedPasses: 1, flaky: 0, skipped: 2, stale: 2 }),
      'node: 3 expected, 1 unexpected, 1 unexpected pass, 0 flaky, 2 skipped, 2 stale entries');
  });
});

describe('updateExpectations', () => {
  it('writes what was observed, keeps existing reasons, flaky and skip entries and unrun files, drops what passes', () => {
    const results = runOf([
      sub('a.any.ts', 'still fails', 'FAIL', 'required', 'new message'),
      sub('a.any.ts', 'now passes', 'PASS'),
      sub('a.any.ts', 'newly fails', 'TIMEOUT', 'required', 'took too long\nstack'),
      sub('a.any.ts', 'wobbly', 'PASS'),
      sub('a.any.ts', 'info', 'FAIL', 'informational'),
    ], [fileRec('a.any.ts')]);
    const existing = loaded({ files: {
      'a.any.ts': { subtests: {
        'still fails': { status: 'FAIL', reason: 'the polyfill has no SocketError' },
        'now passes': { status: 'FAIL', reason: 'old' },
        wobbly: { flaky: true, reason: 'timing' },
        vanished: { status: 'FAIL', reason: 'stale' },
      } },
      'other.any.ts': { skip: true, reason: 'not run this time' },
    } });
    const updated = updateExpectations(results, existing).get('node')!;
    assert.deepEqual(updated, { runtime: 'node', files: {
      'a.any.ts': { subtests: {
        // An old entry without a fingerprint is taken as written for the message seen now.
        'still fails': { status: 'FAIL', reason: 'the polyfill has no SocketError', fingerprint: messageFingerprint('new message') },
        'newly fails': { status: 'TIMEOUT', reason: 'observed: took too long', fingerprint: messageFingerprint('took too long') },
        wobbly: { flaky: true, reason: 'timing' },
      } },
      'other.any.ts': { skip: true, reason: 'not run this time' },
    } });
    // What it writes is itself a valid file, and the run it came from now matches it.
    const reparsed = parseExpectations(JSON.stringify(updated), 'node.json', ['node']);
    const c = compare(results, new Map([['node', { source: 'node.json', expectations: reparsed }]]));
    assert.equal(hasUnexpected(c), false);
  });

  it('a subtest whose status changed under --repeat gets a flaky entry, and is then no longer unexpected', () => {
    const results = { ...runOf([sub('a.any.ts', 'x', 'PASS')], [fileRec('a.any.ts')]), repeat: { times: 3, flaky: [{ runtime: 'node', file: 'a.any.ts', test: 'x', statuses: ['PASS', 'FAIL', 'PASS'] as SubtestStatus[] }] } };
    assert.equal(unexpectedFlaky(results, new Map()).length, 1);
    const updated = updateExpectations(results, new Map()).get('node')!;
    assert.deepEqual(updated.files['a.any.ts']!.subtests, { x: { flaky: true, reason: 'observed: PASS, FAIL, PASS over 3 repetitions' } });
    assert.equal(unexpectedFlaky(results, new Map([['node', { source: 'node.json', expectations: updated }]])).length, 0);
  });

  it('records a file-level crash with the runtime message', () => {
    const updated = updateExpectations(runOf([sub('a.any.ts', 'x', 'CRASH')], [fileRec('a.any.ts', 'CRASH', 'exited with code 3')]), new Map()).get('node')!;
    assert.deepEqual(updated.files['a.any.ts'], { status: 'CRASH', reason: 'observed: exited with code 3', subtests: { x: { status: 'CRASH', reason: 'observed without a message', fingerprint: messageFingerprint(null) } } });
  });
});

describe('malformed files', () => {
  const cases: [string, string, RegExp][] = [
    ['bad JSON', '{"runtime": "node", "files": {', /^expectations\/node\.json: \$ is not valid JSON \(/],
    ['unknown status', '{"runtime":"node","files":{"a.any.ts":{"subtests":{"x":{"status":"BROKEN","reason":"r"}}}}}', /^expectations\/node\.json: \$\.files\["a\.any\.ts"\]\.subtests\.x\.status must be one of FAIL, /],
    ['unknown runtime', '{"runtime":"nodejs","files":{}}', /^expectations\/node\.json: \$\.runtime "nodejs" is not a known runtime/],
    ['missing reason', '{"runtime":"node","files":{"a.any.ts":{"subtests":{"x":{"flaky":true}}}}}', /\$\.files\["a\.any\.ts"\]\.subtests\.x\.reason is missing$/],
    ['two kinds at once', '{"runtime":"node","files":{"a.any.ts":{"subtests":{"x":{"skip":true,"status":"FAIL","reason":"r"}}}}}', /subtests\.x must have exactly one of/],
    ['unknown key', '{"runtime":"node","files":{"a.any.ts":{"expected":"FAIL"}}}', /\$\.files\["a\.any\.ts"\]\.expected is not a known key$/],
  ];
  for (const [name, text, pattern] of cases) {
    it(`${name}: one ExpectationsError line naming the file and the JSON path`, () => {
      assert.throws(() => parseExpectations(text, 'expectations/node.json', ['node', 'deno']), (error: Error) => {
        assert.equal(error.name, 'ExpectationsError');
        assert.ok(error instanceof ExpectationsError);
        assert.equal(error.message.includes('\n'), false, 'one line');
        assert.match(error.message, pattern);
        return true;
      });
    });
  }

  it('loading reads only the rows asked for, and a row with no file expects all to pass', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'expectations-test-'));
    try {
      await writeFile(path.join(dir, 'node.json'), '{"runtime":"node","files":{}}');
      await writeFile(path.join(dir, 'deno.json'), 'not json');
      const map = await loadExpectations(dir, ['node', 'bun'], ['node', 'bun', 'deno']);
      assert.deepEqual([...map.keys()], ['node']);
      await assert.rejects(loadExpectations(dir, ['deno']), new RegExp(`^ExpectationsError: ${path.join(dir, 'deno.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\$ is not valid JSON`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

it('expectations/schema.json is the schema the loader checks against', async () => {
  const onDisk = JSON.parse(await readFile(new URL('../expectations/schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  delete onDisk.$schema;
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(expectationsSchema)));
});

describe('message fingerprints and drift', () => {
  it('a fingerprint ignores digits and spacing, and tells different messages apart', () => {
    assert.equal(messageFingerprint('connect ECONNREFUSED 127.0.0.1:41235\nstack'), messageFingerprint('connect  ECONNREFUSED 127.0.0.1:50712'));
    assert.notEqual(messageFingerprint('opened: expected a promise'), messageFingerprint('opened: still pending after 1000 ms'));
    assert.match(messageFingerprint(null), /^[0-9a-f]{8}$/);
  });

  it('a fingerprint ignores the random id a runtime puts in its message, but not an ordinary word', () => {
    assert.equal(
      messageFingerprint('opened rejected with Error: "internal error; reference = eg2r5e9ridgdaddupsfjdrtp"'),
      messageFingerprint('opened rejected with Error: "internal error; reference = hjf2b2f3g9ij4lmht14ljmi4"'),
    );
    assert.notEqual(messageFingerprint('expected a TypeError'), messageFingerprint('expected a SocketError'));
  });

  it('an expected FAIL whose message no longer has its fingerprint is reported as drifted, and stays expected', () => {
    const entry = { status: 'FAIL' as const, reason: 'the polyfill has no opened', fingerprint: messageFingerprint('opened: expected a promise, got undefined') };
    const same = compare(runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'opened: expected a promise, got undefined')], [fileRec('a.any.ts')]),
      loaded({ files: { 'a.any.ts': { subtests: { x: entry } } } }));
    assert.equal(same.drifted.length, 0);
    const moved = compare(runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'upgraded is undefined')], [fileRec('a.any.ts')]),
      loaded({ files: { 'a.any.ts': { subtests: { x: entry } } } }));
    assert.equal(moved.drifted.length, 1);
    assert.equal(moved.drifted[0]!.source, 'expectations/node.json');
    assert.equal(moved.perRuntime.node!.drifted, 1);
    assert.equal(moved.perRuntime.node!.expected, 2);
    assert.equal(hasUnexpected(moved), false, 'drift is reported, not exit-worthy');
    assert.match(tallyLine('node', moved.perRuntime.node!), /, 1 drifted message$/);
  });

  it('the update fingerprints new entries and keeps the fingerprint of a kept reason', () => {
    const results = runOf([sub('a.any.ts', 'x', 'FAIL', 'required', 'new message'), sub('a.any.ts', 'y', 'FAIL', 'required', 'fresh')], [fileRec('a.any.ts')]);
    const old = loaded({ files: { 'a.any.ts': { subtests: { x: { status: 'FAIL', reason: 'written by hand', fingerprint: 'abcdef01' } } } } });
    const subtests = updateExpectations(results, old).get('node')!.files['a.any.ts']!.subtests!;
    assert.deepEqual(subtests.x, { status: 'FAIL', reason: 'written by hand', fingerprint: 'abcdef01' });
    assert.deepEqual(subtests.y, { status: 'FAIL', reason: 'observed: fresh', fingerprint: messageFingerprint('fresh') });
  });

  it('a fingerprint on a flaky or skip entry, or one that is not 8 hex digits, is malformed', () => {
    assert.throws(() => parseExpectations(JSON.stringify({ runtime: 'node', files: { 'a.any.ts': { subtests: { x: { flaky: true, reason: 'r', fingerprint: 'abcdef01' } } } } }), 'node.json'), ExpectationsError);
    assert.throws(() => parseExpectations(JSON.stringify({ runtime: 'node', files: { 'a.any.ts': { subtests: { x: { status: 'FAIL', reason: 'r', fingerprint: 'xyz' } } } } }), 'node.json'), ExpectationsError);
  });

  it('tentative subtests, like informational ones, may FAIL without an entry', () => {
    const c = compare(runOf([sub('a.tentative.any.ts', 'x', 'FAIL', 'tentative', 'no signal option')], [fileRec('a.tentative.any.ts')]), new Map());
    assert.equal(hasUnexpected(c), false);
  });
});
