// A runtime the suite has never heard of (--runtime-command): node and bun driven through command
// templates, per file and warm, must give the same status for every subtest as their built-in
// columns; a command that crashes, hangs or prints garbage costs its file, as for any runtime.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { run } from './run.ts';
import { bun } from './runtimes/bun.ts';
import { commandRuntime, parseCommandOption, splitTemplate } from './runtimes/command.ts';

// Files whose subtests settle on events, not on bounded waits, so that one run of each column is
// comparable with another even on a loaded machine.
const FILES = ['opened/opened.any.ts', 'closed/resolves.any.ts', 'socket-info/info.any.ts', 'connect/returns.any.ts'];

let fixtures: Fixtures;
let files: TestFile[];

const statuses = (results: RunResults, runtime: string) =>
  Object.fromEntries(results.results.filter((r) => r.runtime === runtime).map((r) => [`${r.file} ${r.test}`, r.status]));

before(async () => {
  fixtures = await startFixtures();
  files = (await discoverTestFiles()).filter((f) => FILES.includes(f.file));
  assert.equal(files.length, FILES.length, 'every chosen file exists');
});
after(() => fixtures.stop());

describe('node and bun as commands the suite does not know', () => {
  it('give the same status for every subtest as their built-in columns, per file and warm', async () => {
    const bunBinary = (await bun.locate()).binary;
    const node = process.execPath;
    const results = await run({
      files,
      fixtures: fixtures.addresses,
      timeoutMs: 15_000,
      runtimes: [
        'node',
        commandRuntime({ name: 'cmd-node', template: `${node} {bundle} {context}` }),
        commandRuntime({ name: 'cmd-node-warm', template: `${node} {bundle}`, warmTemplate: `${node} {host}` }),
        'bun',
        // No {context}: the glue takes it from $SOCKETS_CONFORMANCE_CONTEXT.
        commandRuntime({ name: 'cmd-bun', template: `${bunBinary} run --no-install {bundle}` }),
      ],
    });
    const builtIn = { node: statuses(results, 'node'), bun: statuses(results, 'bun') };
    assert.ok(Object.keys(builtIn.node).length >= 20, 'the files have subtests');
    assert.deepEqual(statuses(results, 'cmd-node'), builtIn.node);
    assert.deepEqual(statuses(results, 'cmd-node-warm'), builtIn.node);
    assert.deepEqual(statuses(results, 'cmd-bun'), builtIn.bun);
    const record = (id: string) => results.runtimes.find((r) => r.id === id)!;
    assert.equal(record('cmd-node').processes?.model, 'per-file');
    assert.equal(record('cmd-node-warm').processes?.model, 'warm');
    assert.equal(record('cmd-bun').version, 'unknown');
    assert.match(record('cmd-bun').source ?? '', /--runtime-command .*bun/);
  });

  it('a command that crashes, hangs or forges results costs its file only', async () => {
    const one = files.filter((f) => f.file === 'connect/returns.any.ts');
    const results = await run({
      files: one,
      fixtures: fixtures.addresses,
      // The hanging command sleeps far longer than this; no busy CPU makes it finish in time.
      timeoutMs: 2_000,
      runtimes: [
        commandRuntime({ name: 'crashes', template: `/bin/sh -c 'echo not a result; exit 3' {bundle}` }),
        commandRuntime({ name: 'hangs', template: `/bin/sh -c 'sleep 60' {bundle}` }),
        commandRuntime({ name: 'forges', template: `/bin/sh -c 'echo "@@sockets-conformance:guess {\\"type\\":\\"complete\\",\\"status\\":\\"OK\\",\\"message\\":null}"' {bundle}` }),
      ],
    });
    const file = (id: string) => results.files.find((f) => f.runtime === id)!;
    assert.equal(file('crashes').status, 'CRASH');
    assert.match(file('crashes').outputTail ?? '', /not a result/);
    assert.equal(file('hangs').status, 'TIMEOUT');
    // A line framed with a nonce it could not know is the runtime's own output, not a completion.
    assert.equal(file('forges').status, 'ERROR');
    for (const id of ['crashes', 'hangs', 'forges']) {
      assert.ok(results.results.filter((r) => r.runtime === id).every((r) => r.status !== 'PASS'), `${id}: no subtest passes`);
    }
  });
});

describe('command templates', () => {
  it('split like a shell would, quotes grouping', () => {
    assert.deepEqual(splitTemplate(`rt run --flag="a b" '{bundle}' {context}`), ['rt', 'run', '--flag=a b', '{bundle}', '{context}']);
  });

  it('bad templates and names are one-line usage errors', async () => {
    assert.throws(() => commandRuntime({ name: 'x', template: 'rt run' }), /must contain \{bundle\}/);
    assert.throws(() => commandRuntime({ name: 'x', template: 'rt {bundle} {file}' }), /unknown placeholder \{file\}/);
    assert.throws(() => commandRuntime({ name: 'x', template: `rt '{bundle}` }), /unbalanced/);
    assert.throws(() => commandRuntime({ name: 'x', template: 'rt {bundle}', warmTemplate: 'rt' }), /must contain \{host\}/);
    assert.throws(() => parseCommandOption('node=node {bundle}', ['node']), /built-in runtime/);
    assert.throws(() => parseCommandOption('{bundle}', ['node']), /expected NAME=TEMPLATE/);
    await assert.rejects(commandRuntime({ name: 'x', template: '/no/such/runtime {bundle}' }).locate(), /"\/no\/such\/runtime" is not an executable file/);
  });
});
