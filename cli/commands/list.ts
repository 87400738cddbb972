import type { Command } from 'commander';
import { discoverTestFiles, filterFiles } from '../../runners/discover.ts';

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list test files, subtests, anchors and levels without running anything')
    .option('--filter <text>', 'only test files whose path or anchors contain this text')
    .option('--json', 'machine-readable output')
    .action(async (opts: { filter?: string; json?: boolean }) => {
      const files = filterFiles(await discoverTestFiles(), opts.filter);
      if (opts.json) {
        process.stdout.write(JSON.stringify(files.map((f) => ({ file: f.file, title: f.meta.title, subtests: f.subtests })), null, 2) + '\n');
        return;
      }
      for (const f of files) {
        process.stdout.write(`${f.file}: ${f.meta.title}\n`);
        for (const s of f.subtests) process.stdout.write(`  [${s.level}] ${s.name}  ${s.anchors.join(' ')}\n`);
      }
      process.stdout.write(`${files.length} files, ${files.reduce((n, f) => n + f.subtests.length, 0)} subtests\n`);
    });
}
