// The GitHub Action's entry (action.yml at the repository root): turns the action's inputs into one
// `sockets-conformance run`, then writes the job summary (Markdown into $GITHUB_STEP_SUMMARY) and the
// step's outputs ($GITHUB_OUTPUT): where the results are, a one-line summary, the run's exit code and
// the artifact's name. It never fails the step itself: action.yml uploads the reports first and then
// fails the job when the exit code is not 0 (1: unexpected results; 2: bad input; 130: interrupted).
//
// Run by action.yml as `node --import tsx cli/action.ts` from the action's folder; the inputs arrive
// as INPUT_* variables, and paths in them are relative to the workspace (the user's repository).

import { spawn } from 'node:child_process';
import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, tallyLine, type LoadedExpectations } from '../records/expectations.ts';
import { readResults } from '../records/io.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { fromRoot } from '../runners/paths.ts';
import { binaryOverrideVariable } from '../runners/runtimes/npm-binary.ts';
import { DEFAULT_EXPECTATIONS_DIR, loadForRun } from './judge.ts';

export interface ActionInputs {
  runtime: string;
  runtimeBinary: string;
  impl: string;
  expectations: string;
  shard: string;
  filter: string;
  sourceUrl: string;
  out: string;
}

/** action.yml's inputs, by the variable each arrives in. */
export const INPUT_VARIABLES: Record<keyof ActionInputs, string> = {
  runtime: 'INPUT_RUNTIME',
  runtimeBinary: 'INPUT_RUNTIME_BINARY',
  impl: 'INPUT_IMPL',
  expectations: 'INPUT_EXPECTATIONS',
  shard: 'INPUT_SHARD',
  filter: 'INPUT_FILTER',
  sourceUrl: 'INPUT_SOURCE_URL',
  out: 'INPUT_OUT',
};

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const inputs = Object.fromEntries(Object.entries(INPUT_VARIABLES).map(([key, variable]) => [key, (env[variable] ?? '').trim()])) as unknown as ActionInputs;
  if (!inputs.out) inputs.out = 'sockets-conformance-results';
  // Link subtests to the suite's source at the exact version the action ran, when GitHub says which.
  if (!inputs.sourceUrl && env.SUITE_REPOSITORY && env.SUITE_REF) {
    inputs.sourceUrl = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.SUITE_REPOSITORY}/blob/${env.SUITE_REF}/{path}`;
  }
  return inputs;
}

export interface Invocation {
  /** The Node.js binary that runs the CLI (for the node runtime, that is the runtime under test). */
  node: string;
  args: string[];
  env: Record<string, string>;
}

/** The CLI call for the inputs; throws a one-line Error for inputs that cannot go together. */
export function invocation(inputs: ActionInputs, workspace: string): Invocation {
  const runtimes = inputs.runtime.split(',').map((s) => s.trim()).filter(Boolean);
  // From the sources, as `npm test` and the npm scripts run them (the action's checkout has tsx), so
  // the command is never an out-of-date build; every path is made absolute, since the command runs
  // in the action's folder (where tsx resolves), not in the workspace.
  const args = ['--import', 'tsx', fromRoot('cli/main.ts'), 'run', '--out', path.resolve(workspace, inputs.out)];
  if (runtimes.length > 0) args.push('--runtime', runtimes.join(','));
  if (inputs.impl) args.push('--impl', path.resolve(workspace, inputs.impl));
  if (inputs.expectations) args.push('--expectations', path.resolve(workspace, inputs.expectations));
  if (inputs.shard) args.push('--shard', inputs.shard);
  if (inputs.filter) args.push('--filter', inputs.filter);
  if (inputs.sourceUrl) args.push('--source-url', inputs.sourceUrl);
  const env: Record<string, string> = {};
  let node = process.execPath;
  if (inputs.runtimeBinary) {
    if (runtimes.length !== 1) throw new Error(`runtime-binary needs exactly one runtime (got "${inputs.runtime}")`);
    const binary = path.resolve(workspace, inputs.runtimeBinary);
    // The node runtime is the Node.js that runs the suite; the others take the variable.
    if (runtimes[0] === 'node') node = binary;
    else env[binaryOverrideVariable(runtimes[0]!)] = binary;
  }
  return { node, args, env };
}

/** `sockets-conformance-node-shard-1-of-2`: unique per job of a runtime × shard matrix. */
export function artifactName(inputs: ActionInputs): string {
  const parts = ['sockets-conformance', inputs.runtime.replace(/[^A-Za-z0-9._-]+/g, '_') || 'all'];
  if (inputs.shard) parts.push(`shard-${inputs.shard.replace('/', '-of-')}`);
  return parts.join('-');
}

/** One line for the `summary` output, and the lines that head the job summary. */
export async function summarise(results: RunResults, expectations: Map<string, LoadedExpectations>): Promise<{ line: string; lines: string[]; unexpected: number }> {
  const comparison = compare(results, expectations, { knownFiles: (await discoverTestFiles()).map((f) => f.file) });
  const lines = Object.entries(comparison.perRuntime).map(([id, tally]) => tallyLine(id, tally));
  const unexpected = comparison.unexpected.length + comparison.unexpectedPasses.length + comparison.stale.length;
  const verdict = results.interrupted ? 'interrupted' : unexpected === 0 ? 'every result as expected' : `${unexpected} unexpected`;
  return { line: `${verdict}: ${lines.join('; ')}`, lines, unexpected };
}

async function writeOutputs(file: string | undefined, outputs: Record<string, string>): Promise<void> {
  const text = Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/\r?\n/g, ' ')}\n`).join('');
  if (file) await appendFile(file, text);
  else process.stdout.write(text);
}

// GitHub refuses a job summary over 1 MiB.
const SUMMARY_LIMIT = 1000 * 1024;

function runCli(call: Invocation): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(call.node, call.args, { cwd: fromRoot('.'), stdio: 'inherit', env: { ...process.env, ...call.env } });
    child.on('error', (error) => {
      process.stderr.write(`sockets-conformance action: cannot start ${call.node}: ${error.message}\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const inputs = readInputs(env);
  const outDir = path.resolve(workspace, inputs.out);
  const name = artifactName(inputs);
  let call: Invocation;
  try {
    call = invocation(inputs, workspace);
  } catch (error) {
    process.stderr.write(`sockets-conformance action: ${(error as Error).message}\n`);
    await writeOutputs(env.GITHUB_OUTPUT, { 'exit-code': '2', summary: `bad input: ${(error as Error).message}`, 'artifact-name': name });
    return 0;
  }
  const code = await runCli(call);
  const resultsFile = path.join(outDir, 'results.json');
  const outputs: Record<string, string> = { 'exit-code': String(code), 'artifact-name': name };
  if (await stat(resultsFile).then(() => true, () => false)) {
    const results = await readResults(resultsFile);
    const expectations = await loadForRun(inputs.expectations ? path.resolve(workspace, inputs.expectations) : DEFAULT_EXPECTATIONS_DIR);
    const { line, lines } = await summarise(results, expectations);
    Object.assign(outputs, { results: resultsFile, 'results-dir': outDir, report: path.join(outDir, 'report.html'), summary: line });
    if (env.GITHUB_STEP_SUMMARY) {
      const report = await readFile(path.join(outDir, 'report.md'), 'utf8').catch(() => '');
      const head = [
        `## Sockets API conformance: ${code === 0 ? 'every result as expected' : code === 1 ? 'unexpected results' : code === 130 ? 'interrupted' : `exit code ${code}`}`,
        '',
        ...lines.map((l) => `- ${l}`),
        '',
        `Artifact \`${name}\`: report.html (filters, causes, links to every subtest), wptreport, JUnit, results.json.`,
        '',
      ].join('\n');
      // The report's own title gives way to the heading above.
      let body = report.replace(/^# .*\n/, '');
      if (head.length + body.length > SUMMARY_LIMIT) body = `${body.slice(0, SUMMARY_LIMIT - head.length - 200)}\n\n*(cut here: the full report is in the artifact)*\n`;
      await appendFile(env.GITHUB_STEP_SUMMARY, `${head}\n${body}`);
    }
  } else {
    outputs.summary = `no results (exit code ${code}); see the step's log`;
  }
  await writeOutputs(env.GITHUB_OUTPUT, outputs);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    process.exitCode = await main();
  } catch (error) {
    // One line, and an exit code output that fails the job after the upload.
    process.stderr.write(`sockets-conformance action: ${(error as Error).message.split('\n')[0]}\n`);
    await writeOutputs(process.env.GITHUB_OUTPUT, { 'exit-code': '2', summary: `action error: ${(error as Error).message.split('\n')[0]}` });
  }
}
