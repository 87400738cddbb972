import type { Command } from 'commander';
import { runtimes } from '../../runners/runtimes/index.ts';
import { RuntimeUnavailable } from '../../runners/runtime.ts';

export function registerRuntimes(program: Command): void {
  program
    .command('runtimes')
    .description('list the runtimes, whether each is available here, its version and where its binary came from')
    .action(async () => {
      for (const adapter of runtimes) {
        try {
          const located = await adapter.locate();
          const details = Object.entries(located.details ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
          process.stdout.write(`${adapter.id}\tavailable\t${located.version}\t${located.source}${details ? `\t${details}` : ''}\n`);
        } catch (error) {
          if (!(error instanceof RuntimeUnavailable)) throw error;
          process.stdout.write(`${adapter.id}\tunavailable\t${error.message}\n`);
        }
      }
    });
}
