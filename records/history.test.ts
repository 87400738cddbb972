// The history analysis on hand-made runs: first pass, passing since, regressions and flapping, per
// subtest and per catalogue entry, with versions in numeric order whatever order they came in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHistory, timeline } from './history.ts';
import type { Level, RunResults, SubtestStatus } from './result.ts';

const V = ['1.9.0', '1.10.0', '1.11.0', '1.12.0'];

describe('timeline', () => {
  it('names the first pass, the version it passes since, and each regression', () => {
    assert.deepEqual(timeline(['FAIL', 'PASS', 'FAIL', 'PASS'], V), {
      statuses: ['FAIL', 'PASS', 'FAIL', 'PASS'], firstPass: '1.10.0', passingSince: '1.12.0',
      regressions: [{ from: '1.10.0', to: '1.11.0' }], flapping: true,
    });
    const steady = timeline(['FAIL', 'FAIL', 'PASS', 'PASS'], V);
    assert.equal(steady.passingSince, '1.11.0');
    assert.equal(steady.flapping, false);
    assert.deepEqual(steady.regressions, []);
    const broke = timeline(['PASS', 'PASS', 'TIMEOUT', 'CRASH'], V);
    assert.equal(broke.passingSince, null);
    assert.deepEqual(broke.regressions, [{ from: '1.10.0', to: '1.11.0' }]);
    assert.equal(broke.flapping, false);
  });

  it('skips versions where the subtest did not exist', () => {
    const t = timeline([null, 'FAIL', null, 'PASS'], V);
    assert.equal(t.firstPass, '1.12.0');
    assert.equal(t.passingSince, '1.12.0');
    assert.deepEqual(timeline([null, null, null, null], V).firstPass, null);
  });
});

describe('buildHistory', () => {
  const run = (version: string, statuses: Record<string, SubtestStatus>): { version: { version: string; id: string; runtimeVersion: string }; results: RunResults } => ({
    version: { version, id: `rt@${version}`, runtimeVersion: version },
    results: {
      schemaVersion: 1, startedAt: '', finishedAt: '', suiteVersion: '0', files: [],
      runtimes: [{ id: `rt@${version}`, name: 'rt', version, impl: null }],
      results: Object.entries(statuses).map(([test, status]) => ({
        runtime: `rt@${version}`, file: 'a.any.ts', test, anchors: ['#x'], level: 'required' as Level, status, message: null, durationMs: 0,
        requirements: test === 'one' ? ['x.one'] : ['x.two'],
      })),
    },
  });

  it('orders versions numerically and rolls subtests up into catalogue entries', () => {
    const history = buildHistory('rt', [
      run('1.10.0', { one: 'PASS', two: 'FAIL' }),
      run('1.9.0', { one: 'FAIL', two: 'FAIL' }),
      run('1.11.0', { one: 'PASS', two: 'PASS' }),
    ], new Map([['x.one', 'required'], ['x.two', 'optional']]));
    assert.deepEqual(history.versions.map((v) => v.version), ['1.9.0', '1.10.0', '1.11.0']);
    const one = history.entries.find((e) => e.id === 'x.one')!;
    assert.equal(one.passingSince, '1.10.0');
    assert.equal(history.entries.find((e) => e.id === 'x.two')!.level, 'optional');
    assert.deepEqual(history.subtests.map((s) => [s.test, s.firstPass]), [['one', '1.10.0'], ['two', '1.11.0']]);
  });
});
