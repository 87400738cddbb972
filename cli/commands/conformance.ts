import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { conformanceMarkdown } from '../../reporters/conformance.ts';
import { terminalMatrix } from '../../reporters/matrix.ts';
import { discoverTestFiles } from '../../runners/discover.ts';
import { killAll } from '../../runners/launch.ts';
import { fromRoot } from '../../runners/paths.ts';
import { run } from '../../runners/run.ts';
import { SPEC_ANCHORS } from '../../tests/requirements.ts';
import { colours } from '../colours.ts';
import { writeReports } from '../write-reports.ts';

export function registerConformance(program: Command): void {
  program
    .command('conformance')
    .description('run the whole suite in every runtime available here and regenerate CONFORMANCE.md (npm run conformance:update)')
    .option('--file <path>', 'where CONFORMANCE.md is written', fromRoot('CONFORMANCE.md'))
    .option('--out <dir>', 'where the run\'s results.json and other reports are written', 'out/conformance')
    .action(async (opts: { file: string; out: string }, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => (abort.abort(signal), killAll());
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const results = await run({
          files: await discoverTestFiles(),
          signal: abort.signal,
          onFile: (file) => process.stderr.write(c.dim(`${file.runtime} ${file.file} ${file.status} ${file.durationMs} ms\n`)),
        });
        await writeReports(results, opts.out);
        // An interrupted run describes part of the suite only: it must not replace the published file.
        if (results.interrupted) {
          process.stderr.write(c.red(`interrupted: ${opts.file} left as it was; partial results in ${opts.out}\n`));
          process.exitCode = 130;
          return;
        }
        await writeFile(opts.file, conformanceMarkdown(results, { anchorOrder: SPEC_ANCHORS }));
        process.stdout.write(terminalMatrix(results, { anchorOrder: SPEC_ANCHORS, colours: c }) + '\n');
        process.stdout.write(`wrote ${opts.file} (${results.runtimes.map((r) => r.id).join(', ')}); reports in ${opts.out}\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
