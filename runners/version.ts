// The suite's version as recorded in results: the package version plus the git commit when run from
// a checkout, so two results files can be told apart.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fromRoot, projectRoot } from './paths.ts';

let cached: Promise<string> | undefined;

export function suiteVersion(): Promise<string> {
  cached ??= (async () => {
    const pkg = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')) as { version: string };
    const commit = await promisify(execFile)('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot })
      .then((r) => r.stdout.trim())
      .catch(() => '');
    return commit ? `${pkg.version}+${commit}` : pkg.version;
  })();
  return cached;
}
