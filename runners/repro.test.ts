// `repro`: a folder made for a known failure (the polyfill's write to a refused port resolves, on
// node) runs on its own, copied away from the suite, and reports that failure; bad input is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runRepro, writeRepro } from './repro.ts';
import { UsageError } from './run.ts';

const FILE = 'regressions/refused-errors-surface.any.ts';
const SUBTEST = 'a write made right after connect() to a port nobody listens on rejects';

test('a reproduction of a known failure runs outside the suite and reports it', async (t) => {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'repro-test-'));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const { dir, observed } = await writeRepro({ file: FILE, subtest: SUBTEST, runtime: 'node', out: path.join(scratch, 'made') });
  assert.equal(observed.status, 'FAIL', observed.output);
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  assert.match(readme, /## Expected\n\nPASS/);
  assert.match(readme, /## Observed when this folder was made\n\n`FAIL: /);
  assert.match(readme, /cloudflare\/workerd#1305/);
  // Away from the repository, so nothing can be resolved from the suite's node_modules.
  const away = path.join(scratch, 'copy');
  await cp(dir, away, { recursive: true });
  const again = await runRepro(away);
  assert.equal(again.status, 'FAIL', again.output);
  assert.equal(again.exitCode, 1);
  assert.match(again.output, /^\$ NODE_EXTRA_CA_CERTS=.*test\.mjs '<context JSON/m);
});

test('an unknown subtest, file or runtime, or an interop file, is a usage error', async () => {
  await assert.rejects(writeRepro({ file: FILE, subtest: 'no such subtest', runtime: 'node', out: os.tmpdir() }), UsageError);
  await assert.rejects(writeRepro({ file: 'nope.any.ts', subtest: SUBTEST, runtime: 'node', out: os.tmpdir() }), UsageError);
  await assert.rejects(writeRepro({ file: FILE, subtest: SUBTEST, runtime: 'nope', out: os.tmpdir() }), UsageError);
  await assert.rejects(writeRepro({ file: 'interop/pg.any.ts', subtest: 'pg connects over connect() and runs SELECT 1', runtime: 'node', out: os.tmpdir() }), /interop tier/);
});
