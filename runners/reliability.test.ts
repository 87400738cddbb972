// A runtime that crashes, hangs, floods or forges output costs one file's results, never the run.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { fromRoot } from './paths.ts';
import { run } from './run.ts';
import type { RuntimeAdapter } from './runtime.ts';
import { node } from './runtimes/node.ts';

let fixtures: Fixtures;
let testdata: TestFile[];
const pick = (...names: string[]) => testdata.filter((f) => names.some((n) => f.file === `${n}.any.ts`));

function fake(mode: string): RuntimeAdapter {
  return {
    ...node,
    // A fake stands in for the runtime's own launch of one file; it has no warm host.
    launchWarm: undefined,
    id: `fake-${mode}`,
    launch: ({ bundle, context }) => ({ argv: [process.execPath, fromRoot('runners/testdata/fake-runtime.mjs'), mode, bundle, JSON.stringify(context)] }),
  };
}

before(async () => {
  fixtures = await startFixtures();
  testdata = await discoverTestFiles(fromRoot('runners/testdata'));
});
after(() => fixtures.stop());

describe('misbehaving runtimes', () => {
  it('a segfault is CRASH for that file, and the next file still runs', async () => {
    const results = await run({ files: pick('opened', 'crashes'), runtimes: [fake('segfault')], fixtures: fixtures.addresses });
    assert.deepEqual(results.files.map((f) => f.status), ['CRASH', 'CRASH']);
    assert.match(results.files[0]!.message!, /SIGSEGV/);
    assert.ok(results.results.every((r) => r.status === 'CRASH'));
  });

  it('a clean exit before the harness completes is ERROR with the runtime\'s own words', async () => {
    const results = await run({ files: pick('opened'), runtimes: [fake('exit-early')], fixtures: fixtures.addresses });
    assert.equal(results.files[0]!.status, 'ERROR');
    assert.match(results.files[0]!.outputTail!, /leaving before the harness starts/);
  });

  it('a runtime that hangs before the harness starts is TIMEOUT in bounded time', async () => {
    const started = performance.now();
    const results = await run({ files: pick('opened'), runtimes: [fake('hang')], fixtures: fixtures.addresses, timeoutMs: 1000 });
    assert.ok(performance.now() - started < 6000);
    assert.equal(results.files[0]!.status, 'TIMEOUT');
    assert.deepEqual(results.results.map((r) => r.status), ['TIMEOUT', 'NOTRUN']);
  });

  it('garbage and forged lines on the channel are ignored; the real results stand', async () => {
    const results = await run({ files: pick('opened'), runtimes: [fake('garbage')], fixtures: fixtures.addresses });
    assert.equal(results.files[0]!.status, 'OK');
    assert.match(results.files[0]!.message!, /2 malformed result line/);
    assert.equal(results.results.length, 2);
  });

  it('megabytes of output do not disturb the results, and only a bounded tail is kept', async () => {
    const results = await run({ files: pick('hangs'), runtimes: [fake('flood')], fixtures: fixtures.addresses, timeoutMs: 3000 });
    assert.equal(results.files[0]!.status, 'TIMEOUT');
    assert.equal(results.results.find((r) => r.test === 'finishes')!.status, 'PASS');
    assert.ok(results.files[0]!.outputTail!.length <= 8 * 1024, 'the kept tail is bounded');
  });
});

describe('interrupting a run', () => {
  // node's warm host (a bundle) and workerd's warm process (`workerd serve`), the two kinds there are.
  for (const [runtime, looksLike] of [['node', /\.mjs/], ['workerd', /workerd serve/]] as const) it(`SIGINT kills the ${runtime} processes, writes partial results and exits 130`, async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sc-interrupt-'));
    const cli = spawn(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), 'run', '--runtime', runtime, '--filter', 'hangs', '--timeout', '60000', '--out', out], {
      env: { ...process.env, SOCKETS_CONFORMANCE_TESTS_DIR: fromRoot('runners/testdata') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    // Wait until the runtime process for the file exists (bounded polling of the process table).
    let runtimePid: number | undefined;
    for (let i = 0; i < 200 && runtimePid === undefined; i++) {
      runtimePid = descendants(cli.pid!).find((p) => looksLike.test(p.command))?.pid;
      if (runtimePid === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(runtimePid, 'the runtime process started');
    cli.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.throws(() => process.kill(runtimePid!, 0), 'the runtime process is gone');
    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    assert.equal(results.interrupted.signal, 'SIGINT');
    assert.match(results.files[0].message, /interrupted by SIGINT/);
    await rm(out, { recursive: true, force: true });
  });
});

function descendants(root: number): { pid: number; command: string }[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).trim().split('\n');
  const procs = rows.map((row) => {
    const [pid, ppid, ...args] = row.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), command: args.join(' ') };
  });
  const found: { pid: number; command: string }[] = [];
  const walk = (pid: number) => {
    for (const p of procs.filter((x) => x.ppid === pid)) {
      found.push(p);
      walk(p.pid);
    }
  };
  walk(root);
  return found;
}
