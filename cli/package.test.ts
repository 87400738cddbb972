// Packaging: `npm pack`, installed into an empty folder without the optional runtimes, gives a
// working `npx sockets-conformance run --runtime node`. The tarball holds the compiled command
// (dist/) and the TypeScript the runtimes' bundles are made from (tests, harness), nothing of the
// project's own tests or benchmarks, and nothing refers back to this checkout. tsx is not installed
// there (a devDependency), so the command runs without it. Installs from the npm registry (normally
// answered by the local npm cache).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { discoverTestFiles } from '../runners/discover.ts';
import { fromRoot, projectRoot } from '../runners/paths.ts';

const exec = promisify(execFile);
// The parent `npm test` exports npm_config_* settings meant for this checkout; the install must not see them.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
let tmp: string | undefined;
after(() => (tmp ? rm(tmp, { recursive: true, force: true }) : undefined));

it('npm pack installs into an empty folder and runs the suite with npx', { timeout: 240_000 }, async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-pack-'));
  const { stdout: packed } = await exec('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: projectRoot, env });
  const info = (JSON.parse(packed) as { filename: string; files: { path: string }[] }[])[0]!;
  const listed = info.files.map((f) => f.path);
  for (const needed of ['cli/bin.js', 'dist/cli/main.js', 'dist/echo-server/index.js', 'dist/tests-meta.json', 'harness/prelude.ts', 'records/channel.ts', 'tests/connect/returns.any.ts', 'expectations/schema.json']) {
    assert.ok(listed.includes(needed), `${needed} is in the tarball`);
  }
  const extra = listed.filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.js') || f.includes('testdata/') || /^(bench|fixtures|echo-server|interop|runners|reporters|cli\/commands)\//.test(f) || (f.startsWith('records/') && f !== 'records/channel.ts') || (f.startsWith('scripts/') && f !== 'scripts/build.mjs'));
  assert.deepEqual(extra, [], 'only the compiled command and what the bundles are made from');

  const app = path.join(tmp, 'app');
  await mkdir(app);
  await writeFile(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', path.join(tmp, info.filename)], { cwd: app, env });

  const installed = path.join(app, 'node_modules', 'sockets-conformance');
  for (const absent of ['tsx', 'deno', 'bun', 'workerd']) {
    await assert.rejects(readFile(path.join(app, 'node_modules', absent, 'package.json')), `${absent} is not installed`);
  }
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
  const results = JSON.parse(await readFile(path.join(app, 'out', 'results.json'), 'utf8')) as { runtimes: { id: string }[]; results: { file: string }[]; unavailable?: unknown[] };
  assert.deepEqual(results.runtimes.map((r) => r.id), ['node']);
  assert.ok(results.results.length > 0 && results.results.every((r) => r.file === 'connect/returns.any.ts'));
  assert.ok(results.unavailable === undefined || results.unavailable.length === 0, 'a runtime asked for by name is never a missing column');

  // A runtime that was left out: one line and exit 2 when asked for by name, a missing column with
  // its reason otherwise.
  const named = await exec('npx', ['--no-install', 'sockets-conformance', 'run', '--runtime', 'deno', '--out', 'out-deno'], { cwd: app, env })
    .then((r) => ({ code: 0, ...r }))
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
  assert.equal(named.code, 2);
  assert.match(named.stderr.trim(), /^sockets-conformance: deno is not installed: it comes from the "deno" npm package, an optional dependency[^\n]*$/);
  // The metadata shipped in the package matches its test files: listing them transpiles nothing.
  const listCache = path.join(tmp, 'list-cache');
  const listed2 = await exec('npx', ['--no-install', 'sockets-conformance', 'list'], { cwd: app, env: { ...env, SOCKETS_CONFORMANCE_CACHE: listCache } });
  assert.match(listed2.stdout, /\d+ files, \d+ subtests\n$/);
  await assert.rejects(readdir(path.join(listCache, 'meta')), 'dist/tests-meta.json was used, not a transpiled copy');
  // ... and says what the sources say.
  const fromPackage = JSON.parse((await exec('npx', ['--no-install', 'sockets-conformance', 'list', '--json'], { cwd: app, env: { ...env, SOCKETS_CONFORMANCE_CACHE: listCache } })).stdout) as unknown[];
  const fromSources = (await discoverTestFiles()).map((f) => ({ file: f.file, title: f.meta.title, subtests: f.subtests }));
  assert.deepEqual(fromPackage, fromSources);
  // Test files the package was not built with (SOCKETS_CONFORMANCE_TESTS_DIR) are read without tsx
  // too: transpiled with esbuild, then kept in the cache.
  const own = path.join(tmp, 'own-tests');
  await mkdir(own);
  await cp(fromRoot('runners/testdata/opened.any.ts'), path.join(own, 'mine.any.ts'));
  const foreign = await exec('npx', ['--no-install', 'sockets-conformance', 'list'], { cwd: app, env: { ...env, SOCKETS_CONFORMANCE_CACHE: listCache, SOCKETS_CONFORMANCE_TESTS_DIR: own } });
  assert.match(foreign.stdout, /^mine\.any\.ts: /m);
  assert.match(foreign.stdout, /1 files, \d+ subtests\n$/);
  assert.equal((await readdir(path.join(listCache, 'meta'))).length, 1, 'what was read is kept in the cache');
  const all = await exec('npx', ['--no-install', 'sockets-conformance', 'run', '--filter', 'connect/returns.any.ts', '--out', 'out-all'], { cwd: app, env: { ...env, NO_COLOR: '1' } })
    .then((r) => ({ code: 0, ...r }))
    .catch((e: { code: number; stdout: string; stderr: string }) => e);
  assert.ok(all.code === 0 || all.code === 1, `exit ${all.code}: ${all.stderr}`);
  const allResults = JSON.parse(await readFile(path.join(app, 'out-all', 'results.json'), 'utf8')) as { runtimes: { id: string }[]; unavailable: { name: string; reason: string }[] };
  assert.deepEqual(allResults.runtimes.map((r) => r.id), ['node']);
  // The miniflare columns run only when named, so a default run does not look for them.
  assert.deepEqual(allResults.unavailable.map((u) => u.name), ['deno', 'bun', 'workerd']);
  for (const u of allResults.unavailable) assert.match(u.reason, new RegExp(`^${u.name} is not installed: it comes from the "${u.name.replace(/-ca$/, '')}" npm package`));
  const listedRuntimes = await exec('npx', ['--no-install', 'sockets-conformance', 'runtimes'], { cwd: app, env });
  assert.match(listedRuntimes.stdout, /^workerd\tunavailable\t.*not installed/m);
  for (const output of ['report.html', 'junit.xml', 'wptreport-node.json', 'badges/node.svg']) await readFile(path.join(app, 'out', output));
});
