// The stability check: runs the conformance matrix again and again, each time as a separate default
// `sockets-conformance run`, and prints every unexpected result it met (a red run must mean the
// runtime changed, never that the machine was busy). With `--stress SHARE`, busy-loop processes
// hold that share of the machine's CPU during every run, to show that a loaded machine does not
// change a verdict. Each busy loop ends by itself at its deadline, and is also ended as soon as its
// run is over.
//
//   npm run check:flaky                         20 runs
//   npm run check:stress                        10 runs with half the CPU held busy
//   tsx bench/flaky.ts [--runs N] [--stress SHARE] [-- run options...]
//
// Exit 1 when any run had an unexpected result or a subtest changed status between runs; 2 on bad
// arguments.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadAllExpectations } from '../records/expectations.ts';
import type { RunResults } from '../records/result.ts';
import { fromRoot } from '../runners/paths.ts';

/** A busy loop outlives no run by more than this, even if this script is killed. */
const BUSY_DEADLINE_MS = 10 * 60_000;

interface Options {
  runs: number;
  stress: number;
  runArgs: string[];
}

function parse(argv: string[]): Options {
  const options: Options = { runs: 0, stress: 0, runArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      options.runArgs = argv.slice(i + 1);
      break;
    }
    const value = argv[i + 1];
    if (arg === '--runs' && value !== undefined && /^[1-9]\d*$/.test(value)) options.runs = Number(value);
    else if (arg === '--stress' && value !== undefined && Number(value) > 0 && Number(value) <= 1) options.stress = Number(value);
    else usage(`${arg}${value !== undefined ? ` ${value}` : ''}: expected --runs N (N >= 1), --stress SHARE (0 < SHARE <= 1) or -- followed by run options`);
    i++;
  }
  if (options.runs === 0) options.runs = options.stress > 0 ? 10 : 20;
  return options;
}

function usage(message: string): never {
  process.stderr.write(`check:flaky: ${message}\n`);
  process.exit(2);
}

function startBusyLoops(count: number): ChildProcess[] {
  const code = `const end = Date.now() + ${BUSY_DEADLINE_MS}; while (Date.now() < end);`;
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }));
}

function stopBusyLoops(loops: ChildProcess[]): void {
  for (const loop of loops) loop.kill('SIGKILL');
}

interface RunOutcome {
  exitCode: number | null;
  unexpected: string[];
  results: RunResults | null;
  wallMs: number;
}

function runOnce(out: string, runArgs: string[]): Promise<RunOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), 'run', '--out', out, ...runArgs], { stdio: ['ignore', 'pipe', 'pipe'], cwd: fromRoot('.') });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    // stderr carries one progress line per file; only what is not progress is worth passing on.
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('close', () => {
      const progress = /^\S+ \S+\.any\.ts (OK|ERROR|TIMEOUT|CRASH|PRECONDITION_FAILED) \d+ ms$/;
      const other = stderr.split('\n').filter((line) => line.trim() && !progress.test(line.replace(/\x1b\[[0-9;]*m/g, '')));
      for (const line of other.slice(-20)) process.stderr.write(`  ${line}\n`);
    });
    child.on('close', async (exitCode) => {
      let results: RunResults | null = null;
      try {
        results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as RunResults;
      } catch {
        // No results: the exit code says why.
      }
      const unexpected = stdout.split('\n').filter((line) => line.startsWith('UNEXPECTED'));
      resolve({ exitCode, unexpected, results, wallMs: performance.now() - started });
    });
  });
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const cores = os.availableParallelism();
  const busy = options.stress > 0 ? Math.max(1, Math.round(options.stress * cores)) : 0;
  process.stdout.write(`${options.runs} runs of \`sockets-conformance run ${options.runArgs.join(' ')}\`${busy ? `, ${busy} busy loop(s) holding ${busy} of ${cores} cores during each` : ''}; load average at start ${os.loadavg()[0]!.toFixed(2)}\n`);
  const outRoot = fromRoot(path.join('out', options.stress > 0 ? 'stress' : 'flaky'));
  const statuses = new Map<string, Set<string>>();
  const unexpected = new Map<string, number>();
  let redRuns = 0;
  for (let i = 1; i <= options.runs; i++) {
    const out = path.join(outRoot, `run-${i}`);
    await rm(out, { recursive: true, force: true });
    const loops = startBusyLoops(busy);
    let outcome: RunOutcome;
    try {
      outcome = await runOnce(out, options.runArgs);
    } finally {
      stopBusyLoops(loops);
    }
    if (outcome.exitCode === 2 || outcome.exitCode === 130 || !outcome.results) {
      process.stderr.write(`check:flaky: run ${i} ended with exit code ${outcome.exitCode}; stopping\n`);
      process.exit(outcome.exitCode === 130 ? 130 : 2);
    }
    if (outcome.unexpected.length > 0 || outcome.exitCode !== 0) redRuns++;
    for (const line of outcome.unexpected) unexpected.set(line, (unexpected.get(line) ?? 0) + 1);
    for (const r of outcome.results.results) {
      const key = `${r.runtime} ${r.file} "${r.test}"`;
      statuses.set(key, (statuses.get(key) ?? new Set()).add(r.status));
    }
    const c = outcome.results.calibration;
    const cpu = c?.cpuMs !== undefined && c.wallMs ? `, run CPU / wall ${(c.cpuMs / c.wallMs).toFixed(2)} cores` : '';
    const processes = outcome.results.runtimes.map((r) => `${r.id} ${r.processes?.model ?? '?'}${r.processes?.fallback ? ' (fell back)' : ''}`).join(', ');
    process.stdout.write(`run ${i}: exit ${outcome.exitCode}, ${outcome.unexpected.length} unexpected, wall ${(outcome.wallMs / 1000).toFixed(1)} s${cpu}, scale ×${c?.scale ?? '?'}, ${c?.jobs ?? '?'} jobs, ${processes}\n`);
  }
  // A subtest the expectations mark `flaky: true` (with its reason) may change; no other may.
  const expectations = await loadAllExpectations(fromRoot('expectations'));
  const explained = (key: string) => {
    const [runtime, file] = key.split(' ');
    const test = key.slice(key.indexOf('"') + 1, -1);
    const entry = expectations.get(runtime!)?.expectations.files[file!]?.subtests?.[test];
    return entry !== undefined && 'flaky' in entry;
  };
  const changed = [...statuses].filter(([key, s]) => s.size > 1 && !explained(key));
  process.stdout.write(`\n${redRuns} of ${options.runs} runs had unexpected results (${[...unexpected.values()].reduce((a, b) => a + b, 0)} in all); ${changed.length} subtests changed status between runs\n`);
  for (const [line, count] of unexpected) process.stdout.write(`  ${count}x ${line}\n`);
  for (const [key, s] of changed) process.stdout.write(`  changed: ${key}: ${[...s].join(', ')}\n`);
  process.exitCode = redRuns > 0 || changed.length > 0 ? 1 : 0;
}

await main();
