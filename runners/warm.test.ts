// The warm process model (runners/warm.ts, harness/glue/warm-host.ts) on real runtimes: files run one
// after another in one process, with the same verdicts as a process per file, and a crash or a
// timeout costs its file and a new process, never the run or a process left behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { fromRoot } from './paths.ts';
import { run, type RunOptions } from './run.ts';
import { WarmPool } from './warm.ts';

let fixtures: Fixtures;
let testdata: TestFile[];
let spec: TestFile[];
let cache: string;
const savedCache = process.env.SOCKETS_CONFORMANCE_CACHE;
const pick = (...names: string[]) => names.map((n) => testdata.find((f) => f.file === `${n}.any.ts`)!);
// Sorted: a file may run more than once in one run, and the order of finishing is not the point.
const verdicts = (results: RunResults) => ({
  files: results.files.map((f) => `${f.file} ${f.status}`).sort(),
  subtests: results.results.map((r) => `${r.file} ${r.test}: ${r.status}`).sort(),
});
const launched = (results: RunResults) => results.runtimes[0]!.processes;

before(async () => {
  fixtures = await startFixtures();
  testdata = await discoverTestFiles(fromRoot('runners/testdata'));
  spec = (await discoverTestFiles()).filter((f) => ['opened/', 'writable/', 'readable/', 'socket-info/', 'close/'].some((dir) => f.file.startsWith(dir)));
  // A cache of its own, so the warm host's path names this test's processes and no one else's.
  cache = await mkdtemp(path.join(os.tmpdir(), 'sc-warm-test-'));
  process.env.SOCKETS_CONFORMANCE_CACHE = cache;
});
after(async () => {
  await fixtures.stop();
  if (savedCache === undefined) delete process.env.SOCKETS_CONFORMANCE_CACHE;
  else process.env.SOCKETS_CONFORMANCE_CACHE = savedCache;
  await rm(cache, { recursive: true, force: true });
});

const both = async (options: Omit<RunOptions, 'processModel'>) => ({
  perFile: await run({ ...options, processModel: 'per-file' }),
  warm: await run({ ...options, processModel: 'warm' }),
});

/** Processes still running the warm host built into this test's cache. */
function leftovers(): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(cache) && line.includes('host.mjs'));
}

async function noLeftovers(): Promise<void> {
  // SIGKILL is sent before run() returns; the kernel may take a moment to reap.
  for (let i = 0; i < 40 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(leftovers(), []);
}

describe('warm processes in node', () => {
  it('run many files in one process, with the verdicts of a process per file', async () => {
    const { perFile, warm } = await both({ files: spec, runtimes: ['node'], fixtures: fixtures.addresses, jobs: 1 });
    assert.ok(spec.length >= 4, 'enough files to share a process');
    assert.deepEqual(verdicts(warm), verdicts(perFile));
    assert.deepEqual(launched(perFile), { model: 'per-file', launched: spec.length });
    assert.deepEqual(launched(warm), { model: 'warm', launched: 1 });
    await noLeftovers();
  });

  it('a crash or a timeout costs its file and a new process; a file that throws while registering does not', async () => {
    const files = pick('opened', 'crashes', 'opened', 'hangs', 'throws-at-load', 'opened');
    const { perFile, warm } = await both({ files, runtimes: ['node'], fixtures: fixtures.addresses, jobs: 1, timeoutMs: 1500 });
    assert.deepEqual(verdicts(warm), verdicts(perFile));
    assert.deepEqual(warm.files.map((f) => f.status).sort(), ['CRASH', 'ERROR', 'OK', 'OK', 'OK', 'TIMEOUT']);
    // The files may run in any order (runners/schedule.ts): a new process follows the crash and the
    // timeout unless that file ran last, and nothing else ends a process.
    const { model, launched: count } = launched(warm)!;
    assert.equal(model, 'warm');
    assert.ok(count === 2 || count === 3, `${count} processes for 6 files with one crash and one timeout`);
    await noLeftovers();
  });
});

for (const runtime of ['deno', 'bun']) {
  describe(`warm processes in ${runtime}`, () => {
    it('run many files in one process, with the verdicts of a process per file', async () => {
      const { perFile, warm } = await both({ files: spec, runtimes: [runtime], fixtures: fixtures.addresses, jobs: 1 });
      assert.deepEqual(verdicts(warm), verdicts(perFile));
      assert.deepEqual(launched(warm), { model: 'warm', launched: 1 });
      await noLeftovers();
    });
  });
}

describe('warm processes in workerd', () => {
  it('serve every file as a worker of its own and run them in one process, with the verdicts of a process per file', async () => {
    const { perFile, warm } = await both({ files: spec, runtimes: ['workerd'], fixtures: fixtures.addresses, jobs: 1 });
    assert.deepEqual(verdicts(warm), verdicts(perFile));
    assert.deepEqual(launched(warm), { model: 'warm', launched: 1, loaded: spec.length });
    await noWorkerdLeftovers();
  });

  it('with several jobs, start each process with a share of the files, with the verdicts of a process per file', async () => {
    const { perFile, warm } = await both({ files: spec, runtimes: ['workerd'], fixtures: fixtures.addresses, jobs: 3 });
    assert.deepEqual(verdicts(warm), verdicts(perFile));
    const { launched: count, loaded } = launched(warm)!;
    // Every file is loaded once, and again only where the process holding it was busy when its
    // turn came (at most once more: runners/warm.ts); one process per job when none was.
    assert.ok(count >= 3 && count < spec.length, `${count} processes for ${spec.length} files at 3 jobs`);
    assert.ok(loaded !== undefined && loaded >= spec.length && loaded < 2 * spec.length, `${loaded} files loaded for ${spec.length}`);
    await noWorkerdLeftovers();
  });

  it('run a file a second time in a new process, and a hung file costs its file only', async () => {
    // A worker keeps its global scope between requests, so its file runs once per process.
    const files = pick('opened', 'opened', 'hangs');
    const { perFile, warm } = await both({ files, runtimes: ['workerd'], fixtures: fixtures.addresses, jobs: 1, timeoutMs: 1500 });
    assert.deepEqual(verdicts(warm), verdicts(perFile));
    assert.deepEqual(warm.files.map((f) => f.status).sort(), ['OK', 'OK', 'TIMEOUT']);
    const { launched: count } = launched(warm)!;
    assert.ok(count === 2 || count === 3, `${count} processes: the second run of a file and the file after a timeout each need a new one`);
    await noWorkerdLeftovers();
  });
});

describe('a warm workerd process that cannot start', () => {
  it('hands the runtime back to a process per file, with the verdicts of a process per file', async () => {
    // workerd evaluates all its workers when it starts: one file that throws at load stops them all.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sc-warm-load-'));
    try {
      await writeFile(path.join(dir, 'throws-in-workerd.any.ts'), `
export const meta = { title: 'throws at load in workerd', anchors: ['#connect-section'], level: 'required', subtests: { 'registered outside workerd only': {} } };
if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers') throw new Error('deliberate failure at load in workerd');
export default function (): void {
  promise_test(async () => {}, 'registered outside workerd only');
}
`);
      const files = [...(await discoverTestFiles(dir)), ...pick('opened')];
      const notices: string[] = [];
      const { perFile, warm } = await both({ files, runtimes: ['workerd'], fixtures: fixtures.addresses, jobs: 1, onNotice: (line) => notices.push(line) });
      assert.deepEqual(verdicts(warm), verdicts(perFile));
      assert.equal(warm.files.find((f) => f.file === 'opened.any.ts')!.status, 'OK');
      assert.equal(launched(warm)!.model, 'per-file');
      // Said once, with the reason, and kept in the record.
      assert.equal(notices.length, 1, notices.join('\n'));
      assert.match(notices[0]!, /^workerd: leaving the warm process model.*failed to start: it exited with code \d+ after listening on 0 of its 2 sockets/);
      assert.match(launched(warm)!.fallback ?? '', /exited with code/);
      await noWorkerdLeftovers();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** workerd processes this test's runs started (runs are in this process, so their children are
 * its own): any other checkout's runs may go on at the same time. */
async function noWorkerdLeftovers(): Promise<void> {
  const mine = () =>
    execFileSync('ps', ['-eo', 'pid,ppid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /workerd serve \S*warm-[0-9a-f-]+\.capnp/.test(l) && Number(l.trim().split(/\s+/)[1]) === process.pid);
  for (let i = 0; i < 40 && mine().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(mine(), []);
}

describe('the pool of warm processes', () => {
  // Processes that never get ready (the pool's choices are the point, not the files): each holds
  // the files of its share as an http process of workerd's kind does.
  const idleProcess = (bundles: readonly string[]) => ({
    argv: [process.execPath, '-e', 'setTimeout(() => {}, 60_000)'],
    http: { socketOf: Object.fromEntries(bundles.map((b, i) => [b, `file${i}`])) },
  });

  it('starts a process that loads its files at start-up with every jobs-th file no process holds, and hands an idle one its own next file', async () => {
    const pool = new WarmPool(8);
    const shares: string[][] = [];
    const spec = (bundles: readonly string[]) => {
      shares.push([...bundles]);
      return idleProcess(bundles);
    };
    pool.expect('w', ['a', 'b', 'c', 'd', 'e', 'f'], 2);
    try {
      const first = await pool.acquire('w', 'a', spec);
      assert.deepEqual(shares.at(-1), ['a', 'c', 'e'], 'the first file and every second one of the rest');
      assert.equal(pool.isHeld('w', 'c'), true);
      assert.equal(pool.isHeld('w', 'b'), false);
      const second = await pool.acquire('w', 'b', spec);
      assert.deepEqual(shares.at(-1), ['b', 'f'], 'held files are left to their process');
      pool.release(first);
      assert.equal(pool.nextHeldByIdle('w'), 'c', 'the idle process has c to run next');
      assert.equal(await pool.acquire('w', 'c', spec), first, 'and runs it without a new process');
      assert.equal(shares.length, 2);
      // Every file still to come is held by a busy process: a new one is started with that file only.
      const third = await pool.acquire('w', 'e', spec);
      assert.deepEqual(shares.at(-1), ['e'], 'e, whose holder is busy, and its part of the one file no process holds (d), which rounds to none');
      assert.deepEqual(pool.loaded.get('w'), shares.flat().length);
      for (const p of [second, third]) pool.release(p);
      pool.release(first);
    } finally {
      await pool.close();
    }
  });

  it('ends an idle process that holds nothing still to come at once', async () => {
    const pool = new WarmPool(8);
    pool.expect('w', ['a', 'b'], 2);
    try {
      const only = await pool.acquire('w', 'a', (bundles) => idleProcess(bundles));
      assert.equal(pool.isHeld('w', 'b'), false, 'two files at two jobs: one each');
      pool.release(only);
      await only.closed;
      assert.equal(only.alive, false);
    } finally {
      await pool.close();
    }
  });
});
