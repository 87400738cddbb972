// `sockets-conformance coverage`: every catalogue entry with the subtests that check it, from the
// files' metadata alone; the target is no uncovered required entry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fromRoot } from '../runners/paths.ts';

it('coverage lists every level and finds no uncovered required entry', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), 'coverage', '--fail-on-uncovered', 'required'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const summary = /^required: (\d+)\/(\d+) entries covered$/m.exec(result.stdout);
  assert.ok(summary, `a required summary line in:\n${result.stdout.slice(-500)}`);
  assert.equal(summary[1], summary[2], 'every required entry has a subtest');
  assert.match(result.stdout, /^optional: \d+\/\d+ entries covered/m);
  assert.match(result.stdout, /^informational: \d+\/\d+ entries covered/m);
});
