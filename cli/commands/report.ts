import type { Command } from 'commander';
import { Option } from 'commander';
import { readResults } from '../../records/io.ts';
import { buildCoverage, coverageText } from '../../reporters/coverage.ts';
import { terminalMatrix } from '../../reporters/matrix.ts';
import { UsageError } from '../../runners/run.ts';
import { SPEC_ANCHORS } from '../../tests/requirements.ts';
import { colours } from '../colours.ts';
import { DEFAULT_EXPECTATIONS_DIR, loadForRun } from '../judge.ts';
import { expectationLookup } from '../../reporters/causes.ts';
import { prepareOutDir } from '../out-dir.ts';
import { checkSourceUrl, FORMATS, suiteIndex, writeReports, type Format } from '../write-reports.ts';
import { readHistoryFiles } from '../histories.ts';

interface ReportFlags {
  from: string;
  out?: string;
  format?: string;
  by: 'anchor' | 'file';
  details?: boolean;
  coverage?: boolean;
  expectations: string;
  sourceUrl?: string;
  history?: string;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild every output (matrix, wptreport, JUnit, Markdown, coverage, CONFORMANCE.md, HTML, badges) from a saved results.json')
    .requiredOption('--from <dir>', 'folder (or results.json) of a previous run')
    .option('--out <dir>', 'where the outputs are written (default: the --from folder)')
    .option('--format <list>', `comma-separated subset of ${FORMATS.join(', ')} (default: all)`)
    .addOption(new Option('--by <rows>', 'matrix rows').choices(['anchor', 'file']).default('anchor'))
    .option('--details', 'list the non-passing subtests with their messages under the matrix, grouped by cause, most required first')
    .option('--coverage', 'print spec coverage (catalogue entries and their subtests) instead of the matrix')
    .option('--expectations <dir>', 'folder of per-runtime expectations files, whose reasons name the causes of failures', DEFAULT_EXPECTATIONS_DIR)
    .option('--source-url <template>', 'link each subtest of the HTML report to its source: {path} is replaced by tests/<file>, {file} by <file> (e.g. https://github.com/o/r/blob/<commit>/{path})')
    .option('--history <files>', 'history.json files (sockets-conformance history), comma-separated: a timeline each in the HTML report, a History section in CONFORMANCE.md')
    .action(async (opts: ReportFlags, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      const formats = opts.format?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...FORMATS];
      const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
      if (unknown.length > 0) throw new UsageError(`--format ${unknown.join(',')}: unknown; choose from ${FORMATS.join(', ')}`);
      checkSourceUrl(opts.sourceUrl);
      const results = await readResults(opts.from);
      const out = opts.out ?? (opts.from.endsWith('.json') ? opts.from.replace(/[^/\\]*$/, '') || '.' : opts.from);
      await prepareOutDir(out);
      const index = await suiteIndex();
      const expectations = await loadForRun(opts.expectations);
      const written = await writeReports(results, out, { formats: formats as Format[], index, expectations, sourceUrl: opts.sourceUrl, histories: await readHistoryFiles(opts.history) });
      process.stdout.write(
        (opts.coverage
          ? coverageText(buildCoverage(index, results), c)
          : terminalMatrix(results, { by: opts.by, details: opts.details, anchorOrder: SPEC_ANCHORS, colours: c, expectations: expectationLookup(expectations) })) + '\n',
      );
      process.stdout.write(c.dim(`wrote ${written.length} file(s) to ${out}\n`));
    });
}
