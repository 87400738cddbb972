import type { Command } from 'commander';
import { runtimes } from '../../runners/runtimes/index.ts';
import { RuntimeUnavailable } from '../../runners/runtime.ts';
import { cleanCache, folderBytes, listCache, runtimeCacheDir } from '../../runners/runtime-cache.ts';

export function registerRuntimes(program: Command): void {
  program
    .command('runtimes')
    .description('list the runtimes, whether each is available here, its version and where its binary came from, then the versions in the runtime cache (--runtime NAME@VERSION)')
    .option('--clean [which]', 'remove cached runtime versions: all, one runtime (node) or one version (node@22.23.5)')
    .action(async (opts: { clean?: string | boolean }) => {
      if (opts.clean !== undefined) {
        const removed = await cleanCache(typeof opts.clean === 'string' ? opts.clean : undefined);
        for (const c of removed) process.stdout.write(`removed ${c.name}@${c.version}\t${c.dir}\n`);
        process.stdout.write(`${removed.length} cached version(s) removed from ${runtimeCacheDir()}\n`);
        return;
      }
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
      // Reading the cache never touches the network.
      const cached = await listCache();
      process.stdout.write(`runtime cache ${runtimeCacheDir()}: ${cached.length === 0 ? 'empty (--runtime NAME@VERSION installs a version from npm)' : `${cached.length} version(s)`}\n`);
      for (const c of cached) {
        const mib = ((await folderBytes(c.dir)) / 1024 / 1024).toFixed(0);
        process.stdout.write(`${c.name}@${c.version}\tcached\t${c.npmPackage}\t${mib} MiB\tinstalled ${c.installedAt}\t${c.dir}\n`);
      }
    });
}
