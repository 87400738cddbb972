// The runner on deliberately misbehaving test files and implementations, in Node with the polyfill.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { classifyFile } from './launch.ts';
import { fromRoot } from './paths.ts';
import { run } from './run.ts';
import { RuntimeUnavailable, type RuntimeAdapter } from './runtime.ts';
import { node } from './runtimes/node.ts';

let fixtures: Fixtures;
let testdata: TestFile[];
const pick = (name: string) => testdata.filter((f) => f.file === `${name}.any.ts`);
const statuses = (results: RunResults) => Object.fromEntries(results.results.map((r) => [r.test, r.status]));

before(async () => {
  fixtures = await startFixtures();
  testdata = await discoverTestFiles(fromRoot('runners/testdata'));
});
after(() => fixtures.stop());

describe('file outcomes', () => {
  it('a file that throws while registering is ERROR, its declared subtests NOTRUN', async () => {
    const results = await run({ files: pick('throws-at-load'), runtimes: ['node'], fixtures: fixtures.addresses });
    assert.equal(results.files[0]!.status, 'ERROR');
    assert.match(results.files[0]!.message!, /deliberate failure at load/);
    assert.deepEqual(statuses(results), { 'never registered': 'NOTRUN' });
  });

  it('a file that never finishes is TIMEOUT in bounded time, finished subtests kept', async () => {
    const started = performance.now();
    const results = await run({ files: pick('hangs'), runtimes: ['node'], fixtures: fixtures.addresses, timeoutMs: 1500 });
    assert.ok(performance.now() - started < 8000, 'the timeout bounds the run');
    assert.equal(results.files[0]!.status, 'TIMEOUT');
    assert.deepEqual(statuses(results), { finishes: 'PASS', 'hangs forever': 'TIMEOUT', 'after the hang': 'NOTRUN' });
  });

  it('a runtime that exits mid-file is CRASH for the unfinished subtests', async () => {
    const results = await run({ files: pick('crashes'), runtimes: ['node'], fixtures: fixtures.addresses });
    assert.equal(results.files[0]!.status, 'CRASH');
    assert.match(results.files[0]!.message!, /exited with code 3/);
    assert.deepEqual(statuses(results), { 'passes first': 'PASS', 'kills the process': 'CRASH' });
  });

  it('PRECONDITION_FAILED stays its own status and the record carries metadata', async () => {
    const results = await run({ files: pick('opened'), runtimes: ['node'], fixtures: fixtures.addresses, impl: fromRoot('runners/testdata/impl-opened-undefined.ts') });
    const pre = results.results.find((r) => r.test === 'a precondition that is not met')!;
    assert.equal(pre.status, 'PRECONDITION_FAILED');
    assert.equal(pre.level, 'optional');
    assert.deepEqual(pre.anchors, ['#opened-attribute']);
  });
});

describe('--impl', () => {
  it('a deliberately broken connect() makes the targeted subtest FAIL with its message', async () => {
    const results = await run({ files: pick('opened'), runtimes: ['node'], fixtures: fixtures.addresses, impl: fromRoot('runners/testdata/impl-opened-undefined.ts') });
    assert.equal(results.runtimes[0]!.id, 'node+impl-opened-undefined');
    const record = results.results.find((r) => r.test === 'opened resolves with an object')!;
    assert.equal(record.status, 'FAIL');
    assert.match(record.message!, /SocketInfo object/);
  });

  it('a module without a connect export is a usage error naming the module', async () => {
    await assert.rejects(
      run({ files: pick('opened'), runtimes: ['node'], fixtures: fixtures.addresses, impl: fromRoot('runners/testdata/impl-no-connect.ts') }),
      (error: Error) => error.name === 'UsageError' && /impl-no-connect/.test(error.message) && /connect/.test(error.message),
    );
  });

  it('a runtime whose binary is missing: a usage error naming its package when asked for, a missing column otherwise', async () => {
    const missing: RuntimeAdapter = {
      ...node,
    // A fake stands in for the runtime's own launch of one file; it has no warm host.
    launchWarm: undefined,
      id: 'ghost',
      npmPackage: 'ghost-runtime',
      locate: async () => {
        throw new RuntimeUnavailable('ghost is not installed: it comes from the "ghost-runtime" npm package, an optional dependency (npm install ghost-runtime)');
      },
    };
    await assert.rejects(
      run({ files: pick('opened'), runtimes: [missing], fixtures: fixtures.addresses }),
      (error: Error) => error.name === 'UsageError' && /"ghost-runtime" npm package/.test(error.message),
    );
    const results = await run({ files: pick('opened'), runtimes: undefined, fixtures: fixtures.addresses, availableRuntimes: [node, missing] });
    assert.deepEqual(results.runtimes.map((r) => r.id), ['node']);
    assert.deepEqual(results.unavailable, [{ name: 'ghost', reason: 'ghost is not installed: it comes from the "ghost-runtime" npm package, an optional dependency (npm install ghost-runtime)' }]);
  });

  it('an unknown runtime is a usage error listing the known ones', async () => {
    await assert.rejects(run({ files: pick('opened'), runtimes: ['nope'], fixtures: fixtures.addresses }), /unknown runtime "nope"; known runtimes: node/);
  });
});

describe('classifyFile', () => {
  const complete = { type: 'complete', status: 'OK', message: null } as const;
  it('completion wins over everything else', () => {
    assert.equal(classifyFile({ messages: [complete], exitCode: 1, signal: null, timedOut: true }).status, 'OK');
  });
  it('a timer without completion is TIMEOUT', () => {
    assert.equal(classifyFile({ messages: [], exitCode: null, signal: 'SIGKILL', timedOut: true }).status, 'TIMEOUT');
  });
  it('a clean exit without completion is ERROR, any other exit CRASH', () => {
    assert.equal(classifyFile({ messages: [], exitCode: 0, signal: null, timedOut: false }).status, 'ERROR');
    assert.equal(classifyFile({ messages: [], exitCode: null, signal: 'SIGSEGV', timedOut: false }).status, 'CRASH');
  });
});
