import type { Command } from 'commander';
import { readResults } from '../../records/io.ts';
import { buildCoverage, coverageText } from '../../reporters/coverage.ts';
import { UsageError } from '../../runners/run.ts';
import { colours } from '../colours.ts';
import { suiteIndex } from '../write-reports.ts';

export function registerCoverage(program: Command): void {
  program
    .command('coverage')
    .description('list every catalogue entry with the subtests that check it, uncovered entries first (from the files\' metadata; --from adds each runtime\'s results)')
    .option('--from <dir>', 'a results folder whose statuses to show beside each subtest')
    .option('--fail-on-uncovered <level>', 'exit 1 when an entry of this level (required, optional, informational, tentative) has no subtest')
    .action(async (opts: { from?: string; failOnUncovered?: string }, command: Command) => {
      if (opts.failOnUncovered && !['required', 'optional', 'informational', 'tentative'].includes(opts.failOnUncovered)) {
        throw new UsageError(`--fail-on-uncovered takes required, optional, informational or tentative, not "${opts.failOnUncovered}"`);
      }
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      const coverage = buildCoverage(await suiteIndex(), opts.from ? await readResults(opts.from) : undefined);
      process.stdout.write(coverageText(coverage, c) + '\n');
      const levels = ['required', 'optional', 'informational', 'tentative'] as const;
      for (const level of levels) {
        const all = coverage.entries.filter((e) => e.level === level);
        const none = all.filter((e) => e.subtests.length === 0);
        process.stdout.write(`${level}: ${all.length - none.length}/${all.length} entries covered${none.length ? ` (uncovered: ${none.map((e) => e.id).join(', ')})` : ''}\n`);
      }
      if (opts.failOnUncovered) {
        const uncovered = coverage.entries.filter((e) => e.level === opts.failOnUncovered && e.subtests.length === 0);
        if (uncovered.length > 0) process.exitCode = 1;
      }
    });
}
