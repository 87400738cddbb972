import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeResults } from './merge.ts';
import { SCHEMA_VERSION, type RunResults } from './result.ts';

function shardRun(runtime: string, files: string[], shard: { index: number; total: number } | null): RunResults {
  return {
    schemaVersion: SCHEMA_VERSION,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    suiteVersion: '0.1.0',
    runtimes: [{ id: runtime, name: runtime, version: '1', impl: null }],
    files: files.map((file) => ({ runtime, file, status: 'OK', message: null, durationMs: 1 })),
    results: files.map((file) => ({ runtime, file, test: 't', anchors: ['#close-method'], level: 'required', status: 'PASS', message: null, durationMs: 1 })),
    shard,
  };
}

describe('merge', () => {
  it('joins runtimes and shards into one run', () => {
    const merged = mergeResults([
      { source: 'a', results: shardRun('node', ['a.any.ts'], { index: 1, total: 2 }) },
      { source: 'b', results: shardRun('node', ['b.any.ts'], { index: 2, total: 2 }) },
      { source: 'c', results: shardRun('deno', ['a.any.ts', 'b.any.ts'], null) },
    ]);
    assert.deepEqual(merged.runtimes.map((r) => r.id), ['node', 'deno']);
    assert.equal(merged.files.length, 4);
    assert.equal(merged.results.length, 4);
  });

  it('refuses overlapping inputs, naming both', () => {
    assert.throws(
      () => mergeResults([
        { source: 'job1', results: shardRun('node', ['a.any.ts'], null) },
        { source: 'job2', results: shardRun('node', ['a.any.ts'], null) },
      ]),
      /job2: node a\.any\.ts is also in job1/,
    );
  });

  it('refuses a set of shards with one missing', () => {
    assert.throws(
      () => mergeResults([
        { source: 'a', results: shardRun('node', ['a.any.ts'], { index: 1, total: 3 }) },
        { source: 'c', results: shardRun('node', ['c.any.ts'], { index: 3, total: 3 }) },
      ]),
      /shard\(s\) 2\/3 missing/,
    );
  });
});
