import type { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { readRepositoryHistories } from '../histories.ts';
import path from 'node:path';
import type { RunResults } from '../../records/result.ts';
import { conformanceMarkdown, newestChanges } from '../../reporters/conformance.ts';
import { terminalMatrix } from '../../reporters/matrix.ts';
import { discoverTestFiles } from '../../runners/discover.ts';
import { fromRoot } from '../../runners/paths.ts';
import { runPerf } from '../../runners/perf.ts';
import { run } from '../../runners/run.ts';
import { SPEC_ANCHORS } from '../../tests/requirements.ts';
import { colours } from '../colours.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { progress } from '../progress.ts';
import { writeReports } from '../write-reports.ts';
import { loadForRun } from '../judge.ts';
import { expectationLookup } from '../../reporters/causes.ts';
import { prepareOutDir } from '../out-dir.ts';
import { perfTable } from './perf.ts';

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('run the whole suite and the performance tier (--quick) in every runtime available here and regenerate CONFORMANCE.md (npm run conformance:update)')
    .option('--file <path>', 'where CONFORMANCE.md is written', fromRoot('CONFORMANCE.md'))
    .option('--out <dir>', 'where the run\'s results.json and other reports are written', 'out/conformance')
    .action(async (opts: { file: string; out: string }, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      await prepareOutDir(opts.out);
      await prepareOutDir(path.dirname(opts.file), '--file');
      const interrupt = interruptOnSignals();
      const shown = progress(process.stderr, colours(process.stderr, command.optsWithGlobals().color !== false));
      try {
        const expectations = await loadForRun();
        const results = await run({ files: await discoverTestFiles(), includeOnlyWhenNamed: true, signal: interrupt.signal, onStart: shown.onStart, onFile: shown.onFile, onNotice: shown.notice });
        shown.stop();
        // An interrupted run describes part of the suite only: it must not replace the published file.
        if (results.interrupted) {
          await writeReports(results, opts.out);
          process.stderr.write(c.red(`interrupted: ${opts.file} left as it was; partial results in ${opts.out}\n`));
          process.exitCode = 130;
          return;
        }
        // After the spec run, never beside it: figures measured while other runtime processes run
        // would say more about the machine than about the runtime. --quick keeps the whole command
        // near a minute on two cores; the same runtimes as the spec run, so the columns match.
        let perf: RunResults;
        try {
          perf = await runPerf({
            runtimes: results.runtimes.map((r) => r.name),
            quick: true,
            signal: interrupt.signal,
            onBaseline: (_baseline, error) => {
              if (error) process.stderr.write(c.yellow(`perf: no node:net / node:tls baseline: ${error}\n`));
            },
            onStart: shown.onStart,
            onFile: shown.onFile,
          });
          shown.stop();
        } catch (error) {
          await writeReports(results, opts.out);
          throw error;
        }
        // The perf run's own records (why a figure is missing, per runtime) stay beside the reports;
        // only its figures join the conformance results, so the matrix counts spec subtests alone.
        await writeReports(perf, path.join(opts.out, 'perf'), { formats: ['json'] });
        const merged: RunResults = { ...results, finishedAt: perf.finishedAt, perf: perf.perf ?? [] };
        const histories = await readRepositoryHistories();
        await writeReports(merged, opts.out, { expectations, histories });
        if (perf.interrupted) {
          process.stderr.write(c.red(`interrupted during the performance tier: ${opts.file} left as it was; results in ${opts.out}\n`));
          process.exitCode = 130;
          return;
        }
        // What moved and why is written by people in CHANGES.md; the run supplies everything else.
        const changes = newestChanges(await readFile(fromRoot('CHANGES.md'), 'utf8').catch(() => ''));
        await writeFile(opts.file, conformanceMarkdown(merged, { anchorOrder: SPEC_ANCHORS, perfRun: perf, expectations: expectationLookup(expectations), histories, changes }));
        process.stdout.write(terminalMatrix(merged, { anchorOrder: SPEC_ANCHORS, colours: c }) + '\n\n');
        process.stdout.write(perfTable(perf) + '\n');
        process.stdout.write(`wrote ${opts.file} (${merged.runtimes.map((r) => r.id).join(', ')}); reports in ${opts.out}\n`);
      } finally {
        shown.stop();
        interrupt.dispose();
      }
    });
}
