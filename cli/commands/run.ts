import type { Command } from 'commander';
import { Option } from 'commander';
import { writeResults } from '../../records/io.ts';
import { discoverTestFiles, filterFiles } from '../../runners/discover.ts';
import { killAll } from '../../runners/launch.ts';
import { run, UsageError } from '../../runners/run.ts';
import { requiredFailures, summary } from '../../reporters/summary.ts';
import { colours } from '../colours.ts';

const positiveNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, not "${value}"`);
  return n;
};

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the suite in one or more runtimes and write results.json')
    .option('--runtime <ids>', 'runtime(s) to run, comma-separated (default: every runtime available here)')
    .option('--impl <path>', 'an ES module exporting connect(), used instead of the runtime\'s own')
    .option('--filter <text>', 'only test files whose path or anchors contain this text')
    .addOption(new Option('--timeout <ms>', 'per-file timeout in ms').argParser(positiveNumber('--timeout')))
    .addOption(new Option('--timeout-multiplier <n>', 'multiplies every file timeout (slow machines)').argParser(positiveNumber('--timeout-multiplier')))
    .addOption(new Option('--jobs <n>', 'runtime processes at once').argParser(positiveNumber('--jobs')).default(2))
    .option('--out <dir>', 'where results.json is written', 'out')
    .action(async (opts: { runtime?: string; impl?: string; filter?: string; timeout?: number; timeoutMultiplier?: number; jobs: number; out: string }, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      const files = filterFiles(await discoverTestFiles(), opts.filter);
      if (files.length === 0) throw new UsageError(`--filter "${opts.filter}" selects no test file (see \`sockets-conformance list\`)`);
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        abort.abort(signal);
        killAll();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const results = await run({
          files,
          runtimes: opts.runtime?.split(',').map((s) => s.trim()).filter(Boolean),
          impl: opts.impl,
          timeoutMs: opts.timeout,
          timeoutMultiplier: opts.timeoutMultiplier,
          jobs: opts.jobs,
          signal: abort.signal,
          onFile: (file) => process.stderr.write(c.dim(`${file.runtime} ${file.file} ${file.status} ${file.durationMs} ms\n`)),
        });
        const written = await writeResults(opts.out, results).catch((error: Error) => {
          throw new UsageError(`--out ${opts.out}: cannot write results (${error.message})`);
        });
        process.stdout.write(summary(results, c) + '\n');
        const failing = requiredFailures(results);
        process.stdout.write(`${results.results.length} subtests, ${failing.length} required not passing; results in ${written}\n`);
        process.exitCode = abort.signal.aborted ? 130 : failing.length > 0 ? 1 : 0;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
