import type { Command } from 'commander';
import { writeRepro } from '../../runners/repro.ts';
import { UsageError } from '../../runners/run.ts';
import { positiveNumber } from '../numbers.ts';

export function registerRepro(program: Command): void {
  program
    .command('repro')
    .description('write a folder that reproduces one subtest on one runtime without this suite (test, fixture server, exact command, README with expected and observed result)')
    .argument('<file>', 'test file, relative to tests/ (e.g. regressions/closed-after-fin.any.ts)')
    .argument('<subtest>', 'the subtest\'s exact name')
    .requiredOption('--runtime <id>', 'node, deno, bun or workerd')
    .option('--impl <path>', 'a module exporting connect() to use instead of the runtime\'s')
    .option('--out <dir>', 'where to write the folder (default out/repro/<runtime>-<file name>)')
    .option('--timeout-multiplier <n>', 'stretch the file\'s timeout on a slow machine', positiveNumber('--timeout-multiplier'))
    .action(async (file: string, subtest: string, opts: { runtime: string; impl?: string; out?: string; timeoutMultiplier?: number }) => {
      if (opts.runtime.includes(',')) throw new UsageError('--runtime takes one runtime for a reproduction');
      const out = opts.out ?? `out/repro/${opts.runtime}-${file.replace(/^tests\//, '').replace(/\.any\.ts$/, '').replace(/[^\w.-]+/g, '-')}`;
      const { dir, observed } = await writeRepro({ file, subtest, runtime: opts.runtime, out, impl: opts.impl, timeoutMultiplier: opts.timeoutMultiplier });
      process.stdout.write(`wrote ${dir}\nobserved: ${observed.status}${observed.message ? `: ${observed.message}` : ''}\nrun it again: cd ${dir} && node run.mjs\n`);
    });
}
