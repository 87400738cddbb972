// The order a run starts its files in (runners/schedule.ts) and the timing history behind it.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jobsFor, readTimings, recordTimings, scheduleOrder, timingKey } from './schedule.ts';

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

describe('jobsFor', () => {
  const keys = ['node a', 'node b', 'deno a', 'deno b'];
  it('without history for most files, runs 2 jobs per core', () => {
    assert.equal(jobsFor(keys, { files: { 'node a': { cpuMs: 10, runMs: 100 } } }, 2).jobs, 4);
  });
  it('fills the cores with the files\' CPU share plus what the run spends outside them, and no more', () => {
    const files = Object.fromEntries(keys.map((k) => [k, { cpuMs: 300, runMs: 1000 }]));
    // 0.3 + 0.2 of a core per running file: 4 of them fill 2 cores.
    assert.equal(jobsFor(keys, { files, runnerShare: 0.2 }, 2).jobs, 4);
    // CPU-bound files: one per core.
    const heavy = Object.fromEntries(keys.map((k) => [k, { cpuMs: 1000, runMs: 1000 }]));
    assert.equal(jobsFor(keys, { files: heavy }, 2).jobs, 2);
  });
  it('never goes below 1 job or above 4 per core', () => {
    const files = Object.fromEntries(keys.map((k) => [k, { cpuMs: 1, runMs: 1000 }]));
    assert.equal(jobsFor(keys, { files }, 2).jobs, 8);
    const hog = Object.fromEntries(keys.map((k) => [k, { cpuMs: 5000, runMs: 1000 }]));
    assert.equal(jobsFor(keys, { files: hog }, 2).jobs, 1);
  });
});
