// The build cache: unchanged inputs reuse the bundles; a changed input rebuilds.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { buildBundles } from './build.ts';
import { fromRoot } from './paths.ts';
import { node } from './runtimes/node.ts';

let dir: string;
let cache: string;
const saved = process.env.SOCKETS_CONFORMANCE_CACHE;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sc-build-'));
  cache = path.join(dir, 'cache');
  process.env.SOCKETS_CONFORMANCE_CACHE = cache;
  await cp(fromRoot('runners/testdata/opened.any.ts'), path.join(dir, 'opened.any.ts'));
});
after(async () => {
  if (saved === undefined) delete process.env.SOCKETS_CONFORMANCE_CACHE;
  else process.env.SOCKETS_CONFORMANCE_CACHE = saved;
  await rm(dir, { recursive: true, force: true });
});

it('a second build with no change is served from the cache; a change rebuilds', async () => {
  const request = { target: node.build, connectModule: node.build.defaultConnect, files: [{ file: 'opened.any.ts', absolutePath: path.join(dir, 'opened.any.ts') }] };
  assert.equal((await buildBundles(request)).cached, false, 'first build');
  assert.equal((await buildBundles(request)).cached, true, 'unchanged inputs');
  await appendFile(path.join(dir, 'opened.any.ts'), '\n// changed\n');
  assert.equal((await buildBundles(request)).cached, false, 'a changed test file');
  assert.equal((await buildBundles(request)).cached, true, 'unchanged again');
});
