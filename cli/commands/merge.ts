import type { Command } from 'commander';
import { readResults, writeResults } from '../../records/io.ts';
import { mergeResults } from '../../records/merge.ts';
import { prepareOutDir } from '../out-dir.ts';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the results folders of several jobs (runtime × shard) into one')
    .argument('<dirs...>', 'results folders (each holding a results.json)')
    .requiredOption('--out <dir>', 'where the merged results.json is written')
    .action(async (dirs: string[], opts: { out: string }) => {
      await prepareOutDir(opts.out);
      const inputs = await Promise.all(dirs.map(async (source) => ({ source, results: await readResults(source) })));
      const merged = mergeResults(inputs);
      const written = await writeResults(opts.out, merged);
      process.stdout.write(`merged ${inputs.length} results (${merged.runtimes.length} runtimes, ${merged.files.length} file runs, ${merged.results.length} subtests) into ${written}\n`);
    });
}
