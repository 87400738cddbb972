// The GitHub Action (action.yml + cli/action.ts) run locally the way the runner runs it: inputs as
// INPUT_* variables, the workspace elsewhere, and $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY as files.
// The entry script never fails its step; the exit code it reports decides the job (action.yml).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunResults } from '../records/result.ts';
import { fromRoot } from '../runners/paths.ts';
import { deno } from '../runners/runtimes/deno.ts';
import { INPUT_VARIABLES } from './action.ts';

let workspace: string;
before(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'sc-action-'));
});
after(() => rm(workspace, { recursive: true, force: true }));

interface ActionRun { code: number | null; stderr: string; outputs: Record<string, string>; summary: string }

/** Runs the entry script as action.yml does: from the action's folder, inputs in the environment. */
async function action(inputs: Record<string, string>, name: string): Promise<ActionRun> {
  const dir = path.join(workspace, name);
  await mkdir(dir, { recursive: true });
  const outputFile = path.join(dir, 'github-output');
  const summaryFile = path.join(dir, 'step-summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_SERVER_URL: 'https://github.com', SUITE_REPOSITORY: 'example/sockets-conformance', SUITE_REF: 'v9' };
  for (const variable of Object.values(INPUT_VARIABLES)) delete env[variable];
  for (const [key, value] of Object.entries(inputs)) env[`INPUT_${key.toUpperCase().replace(/-/g, '_')}`] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/action.ts'], { cwd: fromRoot('.'), env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const outputs = Object.fromEntries((await readFile(outputFile, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { code, stderr, outputs, summary: await readFile(summaryFile, 'utf8') };
}

describe('the GitHub Action entry script', { timeout: 240_000 }, () => {
  it('runs the suite, writes outputs, the job summary and every report, and passes when all is as expected', async () => {
    const run = await action({ runtime: 'node', filter: 'connect/returns', out: 'results-a' }, 'a');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.outputs['exit-code'], '0', run.stderr);
    const dir = path.join(workspace, 'results-a');
    assert.equal(run.outputs.results, path.join(dir, 'results.json'));
    assert.equal(run.outputs['results-dir'], dir);
    assert.equal(run.outputs['artifact-name'], 'sockets-conformance-node');
    assert.match(run.outputs.summary!, /^every result as expected: node: \d+ expected, 0 unexpected, /);
    for (const file of ['report.html', 'junit.xml', 'wptreport-node.json', 'results.json']) await access(path.join(dir, file));
    assert.match(run.summary, /^## Sockets API conformance: every result as expected\n\n- node: \d+ expected, 0 unexpected/);
    assert.match(run.summary, /## Matrix/, 'the Markdown report follows');
    assert.match(run.summary, /## What to fix first/);
    const html = await readFile(path.join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes('"sourceUrl":"https://github.com/example/sockets-conformance/blob/v9/{path}"'), 'subtests link to the suite at the version of the action');
  });

  it('reports unexpected results in its exit-code output, with a binary of one\'s own and an expectations folder of one\'s own', async () => {
    await mkdir(path.join(workspace, 'my-expectations'), { recursive: true });
    await writeFile(path.join(workspace, 'my-expectations', 'deno.json'), JSON.stringify({ runtime: 'deno', files: {} }));
    const binary = (await deno.locate()).binary;
    const run = await action({ runtime: 'deno', 'runtime-binary': binary, expectations: 'my-expectations', filter: 'connect/returns', shard: '1/1', out: 'results-b' }, 'b');
    assert.equal(run.code, 0, 'the step itself passes; action.yml fails the job after the upload');
    assert.equal(run.outputs['exit-code'], '1', run.stderr);
    assert.match(run.outputs.summary!, /^\d+ unexpected: deno: \d+ expected, [1-9]\d* unexpected/);
    assert.equal(run.outputs['artifact-name'], 'sockets-conformance-deno-shard-1-of-1');
    assert.match(run.summary, /^## Sockets API conformance: unexpected results/);
    const results = JSON.parse(await readFile(run.outputs.results!, 'utf8')) as RunResults;
    assert.match(results.runtimes[0]!.source ?? '', /\(SOCKETS_CONFORMANCE_DENO_BINARY\)$/, 'the binary given ran, not the npm build');
  });

  it('refuses inputs that do not go together in one line, with exit code 2 and no run', async () => {
    const run = await action({ runtime: 'node,deno', 'runtime-binary': '/usr/bin/true', out: 'results-c' }, 'c');
    assert.equal(run.code, 0);
    assert.equal(run.outputs['exit-code'], '2');
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /runtime-binary needs exactly one runtime/);
    await assert.rejects(access(path.join(workspace, 'results-c')));
  });

  it('action.yml hands every input to the entry script and exposes what it writes', async () => {
    const yml = await readFile(fromRoot('action.yml'), 'utf8');
    const inputs = [...yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
    const passed = [...yml.matchAll(/^ {8}(INPUT_[A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map((m) => [m[1]!, m[2]!]);
    assert.deepEqual(passed.map(([, input]) => input).sort(), [...inputs].sort(), 'every input is passed on');
    for (const [variable, input] of passed) assert.equal(variable, `INPUT_${input.toUpperCase().replace(/-/g, '_')}`);
    assert.deepEqual(passed.map(([variable]) => variable).sort(), Object.values(INPUT_VARIABLES).sort(), 'the entry script reads exactly those variables');
    const used = [...yml.matchAll(/steps\.run\.outputs\.([a-z-]+)/g)].map((m) => m[1]!);
    const written = ['results', 'results-dir', 'report', 'summary', 'exit-code', 'artifact-name'];
    for (const output of used) assert.ok(written.includes(output), `${output} is written by cli/action.ts`);
    assert.match(yml, /run: node --import tsx cli\/action\.ts/);
  });
});
