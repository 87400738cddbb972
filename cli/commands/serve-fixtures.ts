import type { Command } from 'commander';
import { Option } from 'commander';
import { startFixtures } from '../../echo-server/index.ts';
import { UsageError } from '../../runners/run.ts';

export function registerServeFixtures(program: Command): void {
  program
    .command('serve-fixtures')
    .description('start the fixture server, print its address map as JSON, stay up until SIGINT / SIGTERM')
    .addOption(new Option('--base-port <port>', 'fixed ports from here on instead of ephemeral ones').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--base-port takes a port number, not "${v}"`);
      return n;
    }))
    .option('--no-ipv6', 'listen on 127.0.0.1 only')
    .action(async (opts: { basePort?: number; ipv6: boolean }) => {
      const fixtures = await startFixtures({ basePort: opts.basePort, ipv6: opts.ipv6 ? undefined : false });
      // One line, so a script can read the map with a single line read.
      process.stdout.write(JSON.stringify(fixtures.addresses) + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await fixtures.stop();
    });
}
