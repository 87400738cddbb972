import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readResults } from '../../records/io.ts';
import { DRAFT } from '../../records/draft.ts';
import { bcdExport } from '../../reporters/bcd.ts';
import { requirements } from '../../tests/requirements.ts';
import { readHistoryFiles } from '../histories.ts';

export function registerExportBcd(program: Command): void {
  program
    .command('export-bcd')
    .description('write the results as browser-compat-data, laid out like runtime-compat-data (support keyed by runtime), one identifier per draft section with a sub-feature per catalogue entry')
    .requiredOption('--from <dir>', 'a results folder (its results.json)')
    .option('--history <files>', 'history.json files (sockets-conformance history), comma-separated: version_added from when each entry started passing')
    .option('--out <file>', 'where to write the JSON (default: stdout)')
    .action(async (opts: { from: string; history?: string; out?: string }) => {
      const results = await readResults(opts.from);
      const histories = await readHistoryFiles(opts.history);
      const json = JSON.stringify(bcdExport(results, { requirements }, { histories, draft: `${DRAFT.repository}@${DRAFT.commit}` }), null, 2) + '\n';
      if (opts.out) await writeFile(opts.out, json);
      else process.stdout.write(json);
    });
}
