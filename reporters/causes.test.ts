// What to fix first (reporters/causes.ts) on hand-built records: grouping by the expectation's reason
// (its observed tail dropped) or else by the normalised message, the order by required subtests,
// and what stays out (passes, informational subtests, performance figures). Also the HTML report's
// per-runtime bars, which give the regression tier a bar of its own when records carry it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedExpectations } from '../records/expectations.ts';
import type { ResultRecord, RunResults } from '../records/result.ts';
import { causesByRuntime, expectationLookup, normaliseMessage, normaliseReason } from './causes.ts';
import { tierBars } from './html.ts';

const record = (test: string, over: Partial<ResultRecord> = {}): ResultRecord => ({
  runtime: 'node', file: 'a/b.any.ts', test, anchors: ['#opened-attribute'], level: 'required', status: 'FAIL', message: null, durationMs: 1, tier: 'spec', ...over,
});
const run = (results: ResultRecord[]): RunResults => ({
  schemaVersion: 1, startedAt: '', finishedAt: '', suiteVersion: 't',
  runtimes: [{ id: 'node', name: 'node', version: '20', impl: null }, { id: 'bun', name: 'bun', version: '1', impl: null }],
  results, files: [],
});
const OPENED = '#opened-attribute: no opened promise';
const expectations = new Map<string, LoadedExpectations>([
  ['node', { source: 'node.json', expectations: { runtime: 'node', files: {
    'a/b.any.ts': { subtests: {
      one: { status: 'FAIL', reason: `${OPENED} (observed: assert_equals: one)` },
      two: { status: 'FAIL', reason: `${OPENED} (observed: assert_equals: two)` },
      three: { status: 'FAIL', reason: OPENED },
    } },
    'c/d.any.ts': { status: 'TIMEOUT', reason: 'startTls() never settles here' },
  } } }],
]);

describe('causes', () => {
  it('groups by the expectation\'s reason without its observed tail, else by the message with numbers folded', () => {
    const results = run([
      record('one', { message: 'assert_equals: one' }),
      record('two', { message: 'assert_equals: two', level: 'optional' }),
      record('three'),
      record('x', { message: 'connect to 127.0.0.1:4711 refused after 12 ms' }),
      record('y', { message: 'connect to 127.0.0.1:5822 refused after 3 ms' }),
      record('z', { message: 'connect to 127.0.0.1:5822 refused after 3 ms' }),
      record('hung', { file: 'c/d.any.ts', status: 'TIMEOUT' }),
      record('fine', { status: 'PASS' }),
      record('seen', { level: 'informational', message: 'observed' }),
      record('figure', { tier: 'perf', level: 'optional', status: 'PRECONDITION_FAILED' }),
      record('b1', { runtime: 'bun', message: 'same' }),
    ]);
    const causes = causesByRuntime(results, expectationLookup(expectations));
    assert.deepEqual([...causes.keys()], ['node', 'bun']);
    const node = causes.get('node')!;
    assert.deepEqual(node.map((c) => [c.key, c.required, c.subtests.map((s) => s.test)]), [
      [normaliseMessage('connect to 127.0.0.1:4711 refused after 12 ms'), 3, ['x', 'y', 'z']],
      [OPENED, 2, ['one', 'two', 'three']],
      ['startTls() never settles here', 1, ['hung']],
    ]);
    assert.equal(node[1]!.source, 'expectation');
    assert.equal(node[0]!.source, 'message');
    assert.equal(node[0]!.text, 'connect to 127.0.0.1:4711 refused after 12 ms', 'a message cause shows its first message as it was');
    assert.deepEqual(causes.get('bun')!.map((c) => c.subtests.length), [1]);
  });

  it('orders causes by required subtests, then by subtests', () => {
    const results = run([
      record('a1', { message: 'A', level: 'optional' }), record('a2', { message: 'A', level: 'optional' }), record('a3', { message: 'A', level: 'optional' }),
      record('b1', { message: 'B' }),
      record('c1', { message: 'C' }), record('c2', { message: 'C', level: 'optional' }),
    ]);
    assert.deepEqual(causesByRuntime(results).get('node')!.map((c) => c.key), ['C', 'B', 'A']);
  });

  it('normalises', () => {
    assert.equal(normaliseReason('x: y  z (observed: whatever (nested))'), 'x: y z');
    assert.equal(normaliseReason('observed: took 12 ms'), 'took N ms');
    assert.equal(normaliseMessage(null), '(no message)');
    assert.equal(normaliseMessage('first 1.25 line\nsecond'), 'first N line');
  });
});

describe('HTML tier bars', () => {
  it('count required and optional subtests per runtime, and the regression tier in a bar of its own', () => {
    const results = run([
      record('r1', { status: 'PASS' }), record('r2'),
      record('o1', { level: 'optional', status: 'PASS' }),
      record('g1', { tier: 'regression' as ResultRecord['tier'], status: 'PASS' }), record('g2', { tier: 'regression' as ResultRecord['tier'] }),
      record('i1', { level: 'informational' }),
      record('p1', { tier: 'perf', level: 'optional' }),
    ]);
    assert.deepEqual(tierBars(results).map((b) => `${b.runtime} ${b.tier} ${b.passed}/${b.total}`), ['node required 1/2', 'node optional 1/1', 'node regression 1/2', 'bun required 0/0', 'bun optional 0/0', 'bun regression 0/0']);
  });
});
