// The folder a command writes into, checked and created before any work starts, so that a bad
// `--out` costs one line and exit 2 at once instead of a finished run with nowhere to go.
//
// Folders are created one level at a time, never with mkdir's `recursive`: on Node 20 a recursive
// mkdir under /proc never returns (procfs answers ENOENT for the new folder while its parent
// exists, and the recursion retries forever). A plain mkdir answers that ENOENT once.

import { statSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../runners/run.ts';

/** Makes `dir` (and any missing parents) and proves a file can be written in it; throws a
 * UsageError naming `flag` otherwise. */
export async function prepareOutDir(dir: string, flag = '--out'): Promise<void> {
  const fail = (reason: string): never => {
    throw new UsageError(`${flag} ${dir}: cannot be written (${reason})`);
  };
  const absolute = path.resolve(dir);
  const missing: string[] = [];
  let existing = absolute;
  let found: Awaited<ReturnType<typeof stat>> | undefined;
  while (!found) {
    try {
      found = await stat(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') fail(`a file is in the way: ${nearestFile(existing)}`);
      if (code !== 'ENOENT') fail(`${code ?? (error as Error).message}: ${existing}`);
      missing.unshift(existing);
      const parent = path.dirname(existing);
      if (parent === existing) fail('no such file system');
      existing = parent;
    }
  }
  if (!found.isDirectory()) fail(missing.length === 0 ? 'it is a file, not a folder' : `a file is in the way: ${existing}`);
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') fail(`${code ?? (error as Error).message} creating ${folder}`);
    }
  }
  // Permission bits say nothing for root, nor for a read-only mount: writing a file does.
  const probe = path.join(absolute, `.sockets-conformance-probe-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    fail(`${(error as NodeJS.ErrnoException).code ?? (error as Error).message} writing a file there`);
  }
  await rm(probe, { force: true });
}

/** For a path whose stat said ENOTDIR: its first ancestor that is not a folder. */
function nearestFile(p: string): string {
  const parts = p.split(path.sep);
  for (let i = 2; i <= parts.length; i++) {
    const candidate = parts.slice(0, i).join(path.sep);
    // Synchronous: a handful of stats, on the error path only.
    const isFolder = (() => {
      try {
        return statSync(candidate).isDirectory();
      } catch {
        return false;
      }
    })();
    if (!isFolder) return candidate;
  }
  return p;
}
