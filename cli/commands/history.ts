import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { startFixtures } from '../../echo-server/index.ts';
import type { HistoryResults } from '../../records/history.ts';
import { historyHtml, historyMarkdown } from '../../reporters/history.ts';
import { discoverTestFiles, filterFiles } from '../../runners/discover.ts';
import { runHistory } from '../../runners/history.ts';
import { DEFAULT_JOBS, UsageError } from '../../runners/run.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { positiveNumber } from '../numbers.ts';

interface HistoryFlags {
  runtime: string;
  versions?: string;
  last?: number;
  filter?: string;
  jobs: number;
  timeoutMultiplier?: number;
  out: string;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('run the suite over several versions of one runtime from npm and report, per subtest and catalogue entry, the first passing version, regressions and flapping (resumable: versions already run in --out are kept)')
    .requiredOption('--runtime <name>', 'the runtime (node, deno, bun, workerd)')
    .option('--versions <list>', 'versions, comma-separated: exact (1.20250604.0) or a prefix (22: its newest release)')
    .addOption(new Option('--last <n>', 'the newest n months that had a release, the last release of each').argParser(positiveNumber('--last', true)))
    .option('--filter <text>', 'only test files whose path or anchors contain this text')
    .addOption(new Option('--jobs <n>', 'runtime processes at once').argParser(positiveNumber('--jobs', true)).default(DEFAULT_JOBS))
    .addOption(new Option('--timeout-multiplier <n>', 'multiplies every file timeout (slow machines)').argParser(positiveNumber('--timeout-multiplier')))
    .option('--out <dir>', 'where runs/<runtime>@<version>.json, history.json, history.md and history.html go', 'out/history')
    .action(async (opts: HistoryFlags) => {
      if ((opts.versions === undefined) === (opts.last === undefined)) throw new UsageError('history: give either --versions LIST or --last N (one release per month)');
      const files = filterFiles(await discoverTestFiles(), opts.filter);
      if (files.length === 0) throw new UsageError(`--filter "${opts.filter}" selects no test file (see \`sockets-conformance list\`)`);
      const out = path.join(opts.out, opts.runtime);
      await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`--out ${opts.out}: cannot be written (${error.code ?? error.message})`);
      });
      const interrupt = interruptOnSignals();
      const fixtures = await startFixtures();
      try {
        const history = await runHistory({
          runtime: opts.runtime,
          versions: opts.versions?.split(',').map((v) => v.trim()).filter(Boolean),
          lastPerMonth: opts.last,
          files,
          out,
          fixtures: fixtures.addresses,
          jobs: opts.jobs,
          timeoutMultiplier: opts.timeoutMultiplier,
          signal: interrupt.signal,
          onNote: (line) => process.stderr.write(`${line}\n`),
        });
        // Cost figures of versions kept from an earlier invocation come from its history.json.
        const earlier = await readFile(path.join(out, 'history.json'), 'utf8').then((t) => JSON.parse(t) as HistoryResults, () => undefined);
        const ranNow = new Set(history.cost?.map((c) => c.version));
        const kept = earlier?.cost?.filter((c) => !ranNow.has(c.version) && history.versions.some((v) => v.version === c.version)) ?? [];
        if (kept.length > 0 || history.cost) history.cost = [...kept, ...(history.cost ?? [])].sort((a, b) => history.versions.findIndex((v) => v.version === a.version) - history.versions.findIndex((v) => v.version === b.version));
        await writeFile(path.join(out, 'history.json'), JSON.stringify(history, null, 2) + '\n');
        const markdown = historyMarkdown(history);
        await writeFile(path.join(out, 'history.md'), markdown + '\n');
        await writeFile(path.join(out, 'history.html'), historyHtml(history));
        process.stdout.write(markdown + '\n');
        process.stdout.write(`history of ${history.runtime} over ${history.versions.length} version(s) in ${out}\n`);
        process.exitCode = interrupt.signal.aborted ? 130 : 0;
      } finally {
        await fixtures.stop();
        interrupt.dispose();
      }
    });
}
