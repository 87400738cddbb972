// `npm ci` is the README's install step, and it refuses a lock that is out of step with package.json.
// This registry serves no macOS / Windows builds of deno and workerd, so a plain `npm install`
// drops their optional entries from the lock and `npm ci` then fails on a clean clone: catch that
// here, before CI does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { projectRoot } from '../runners/paths.ts';

it('npm ci accepts package-lock.json as it is', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
  const why = (result.stderr ?? '').split('\n').filter((l) => l.startsWith('npm error')).slice(0, 6).join('\n');
  assert.equal(result.status, 0, `npm ci would fail on a clean clone (re-add the missing optional entries):\n${why}`);
});
