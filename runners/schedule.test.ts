// The order a run starts its files in (runners/schedule.ts) and the timing history behind it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTimings, recordTimings, scheduleOrder, timingKey } from './schedule.ts';

const job = (runtime: string, file: string, declaredTimeoutMs?: number) => ({ runtime, file, declaredTimeoutMs });
const names = (jobs: { runtime: string; file: string }[]) => jobs.map((j) => `${j.runtime} ${j.file}`);

describe('scheduleOrder', () => {
  it('without history, interleaves runtimes and starts files with longer declared timeouts first', () => {
    const jobs = [job('node', 'a'), job('node', 'interop', 60_000), job('node', 'b'), job('deno', 'a'), job('deno', 'interop', 60_000), job('deno', 'b')];
    assert.deepEqual(names(scheduleOrder(jobs)), ['node interop', 'deno interop', 'node a', 'deno a', 'node b', 'deno b']);
  });

  it('with history, starts the longest files first, and files it has never seen before them', () => {
    const jobs = [job('node', 'short'), job('node', 'long'), job('deno', 'new'), job('deno', 'middle')];
    const timings = { [timingKey('node', 'short')]: 10, [timingKey('node', 'long')]: 900, [timingKey('deno', 'middle')]: 300 };
    assert.deepEqual(names(scheduleOrder(jobs, timings)), ['deno new', 'node long', 'deno middle', 'node short']);
  });

  it('keeps every job exactly once', () => {
    const jobs = Array.from({ length: 30 }, (_, i) => job(['node', 'deno', 'bun'][i % 3]!, `f${i}`, i % 4 === 0 ? 10_000 : undefined));
    assert.deepEqual(names(scheduleOrder(jobs)).sort(), names(jobs).sort());
  });
});

describe('timing history', () => {
  let dir: string;
  const saved = process.env.SOCKETS_CONFORMANCE_CACHE;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sc-timings-'));
    process.env.SOCKETS_CONFORMANCE_CACHE = dir;
  });
  after(async () => {
    if (saved === undefined) delete process.env.SOCKETS_CONFORMANCE_CACHE;
    else process.env.SOCKETS_CONFORMANCE_CACHE = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('merges each run into what earlier runs recorded', async () => {
    assert.deepEqual(await readTimings(), {});
    await recordTimings({ 'node a': 5, 'node b': 7 });
    await recordTimings({ 'node b': 9, 'deno a': 1 });
    assert.deepEqual(await readTimings(), { 'node a': 5, 'node b': 9, 'deno a': 1 });
  });

  it('treats a damaged history as none, and drops entries that are not durations', async () => {
    await writeFile(path.join(dir, 'timings.json'), '{"node a": 5, "node b": "slow", "node c": -1');
    assert.deepEqual(await readTimings(), {});
    await writeFile(path.join(dir, 'timings.json'), '{"node a": 5, "node b": "slow", "node c": -1}');
    assert.deepEqual(await readTimings(), { 'node a': 5 });
  });
});
