// Packaging: `npm pack`, installed into an empty folder, gives a working `npx sockets-conformance run
// --runtime node`. Tests, harness and fixtures travel in the tarball and nothing refers back to this
// checkout. Installs from the npm registry (normally answered by the local npm cache) and skips
// install scripts: only Node runs here, and the runtimes' postinstall downloads are not needed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../runners/paths.ts';

const exec = promisify(execFile);
// The parent `npm test` exports npm_config_* settings meant for this checkout; the install must not see them.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
let tmp: string | undefined;
after(() => (tmp ? rm(tmp, { recursive: true, force: true }) : undefined));

it('npm pack installs into an empty folder and runs the suite with npx', { timeout: 90_000 }, async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-pack-'));
  const { stdout: packed } = await exec('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: projectRoot, env });
  const info = (JSON.parse(packed) as { filename: string; files: { path: string }[] }[])[0]!;
  const listed = info.files.map((f) => f.path);
  for (const needed of ['cli/bin.js', 'harness/prelude.ts', 'tests/requirements.ts', 'tests/connect/returns.any.ts', 'fixtures/reference/index.ts', 'echo-server/index.ts', 'expectations/schema.json']) {
    assert.ok(listed.includes(needed), `${needed} is in the tarball`);
  }
  assert.equal(listed.filter((f) => f.endsWith('.test.ts') || f.includes('testdata/')).length, 0, 'the project\'s own tests stay out');

  const app = path.join(tmp, 'app');
  await mkdir(app);
  await writeFile(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', path.join(tmp, info.filename)], { cwd: app, env });

  const installed = path.join(app, 'node_modules', 'sockets-conformance');
  const files = (await readdir(installed, { recursive: true })).filter((f) => f.endsWith('.ts') || f.endsWith('.js'));
  for (const f of files) {
    const text = await readFile(path.join(installed, f), 'utf8');
    assert.equal(text.includes(projectRoot), false, `${f} refers to the source checkout`);
  }

  const run = await exec('npx', ['--no-install', 'sockets-conformance', 'run', '--runtime', 'node', '--filter', 'connect/returns.any.ts', '--out', 'out'], { cwd: app, env: { ...env, NO_COLOR: '1' } })
    .then((r) => ({ code: 0, ...r }))
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
  // 0 or 1 depending on how the polyfill fares; 2 would mean the installed package is broken.
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  assert.match(run.stdout, /node: \d+ expected, \d+ unexpected/);
  const results = JSON.parse(await readFile(path.join(app, 'out', 'results.json'), 'utf8')) as { runtimes: { id: string }[]; results: { file: string }[] };
  assert.deepEqual(results.runtimes.map((r) => r.id), ['node']);
  assert.ok(results.results.length > 0 && results.results.every((r) => r.file === 'connect/returns.any.ts'));
  for (const output of ['report.html', 'junit.xml', 'wptreport-node.json', 'badges/node.svg']) await readFile(path.join(app, 'out', output));
});
