// miniflare (the npm `miniflare` package, the local runtime behind `wrangler dev` and
// @cloudflare/vitest-pool-workers) with its own workerd build and native cloudflare:sockets. Each
// file runs in a Node.js process of its own that drives the Miniflare API (miniflare-host.ts).
//
// Miniflare gives its workers an outbound network service that allows "public" and "private"
// addresses; in workerd "private" includes loopback, so connect() reaches 127.0.0.1 and ::1 as it
// comes. That service trusts the public CAs plus the certificates in NODE_EXTRA_CA_CERTS of the
// Node.js process running Miniflare, and nothing else: TLS to a local service with its own CA needs
// that variable. Two columns therefore: `miniflare` as it comes, and `miniflare-ca` with
// NODE_EXTRA_CA_CERTS naming the fixture CA; each says which in its details (`outbound`).

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HarnessContext } from '../../records/channel.ts';
import { distDir, fromRoot, runningCompiled } from '../paths.ts';
import type { LocatedRuntime, RuntimeAdapter } from '../runtime.ts';
import { RuntimeUnavailable } from '../runtime.ts';
import { findNpmBinary } from './npm-binary.ts';
import { compatibilityFlagsFor, workerd, WORKERD_PLATFORM_PACKAGES } from './workerd.ts';

/** What the host process reads from the file named in its argv. */
export interface MiniflareHostConfig {
  /** One file: its bundle and context. */
  bundle?: string;
  context?: HarnessContext;
  /** Warm: every bundle of the run, each with its worker's (and socket's) name. */
  socketOf?: Record<string, string>;
  compatibilityDate: string;
  compatibilityFlags: string[];
}


const OUTBOUND = {
  default: "miniflare's default outbound (public and private addresses, loopback included; public CAs only)",
  ca: "miniflare's default outbound, with NODE_EXTRA_CA_CERTS naming the fixture CA (miniflare adds it to the outbound's trusted certificates)",
};

const requireFromRoot = createRequire(fromRoot('package.json'));

async function locateMiniflare(id: string, outbound: keyof typeof OUTBOUND): Promise<LocatedRuntime> {
  let dir: string;
  let version: string;
  try {
    const pkg = requireFromRoot.resolve('miniflare/package.json');
    dir = path.dirname(pkg);
    version = (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version;
  } catch {
    throw new RuntimeUnavailable(`${id} is not installed: it comes from the "miniflare" npm package, an optional dependency (npm install miniflare)`);
  }
  const engines = (JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  const needs = /^>=\s*(\d+)/.exec(engines ?? '')?.[1];
  if (needs && Number(process.versions.node.split('.')[0]) < Number(needs)) {
    throw new RuntimeUnavailable(`miniflare@${version} needs Node.js ${engines}; this is Node.js ${process.versions.node}`);
  }
  // The workerd that miniflare itself depends on (nested under it), not the project's own.
  const platform = WORKERD_PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  const exe = process.platform === 'win32' ? 'workerd.exe' : 'workerd';
  const inner = await findNpmBinary('workerd (inside miniflare)', 'workerd', [...(platform ? [{ npmPackage: platform, file: `bin/${exe}` }] : []), { npmPackage: 'workerd', file: `bin/${exe}` }], dir);
  const date = /(\d{4}-\d{2}-\d{2})/.exec(inner.versionOutput)?.[1];
  if (!date) throw new RuntimeUnavailable(`miniflare's workerd printed "${inner.versionOutput}", with no compatibility date`);
  const flags = compatibilityFlagsFor(date);
  const innerVersion = (JSON.parse(await readFile(requireFromRoot.resolve('workerd/package.json', { paths: [dir] }), 'utf8')) as { version: string }).version;
  return {
    binary: process.execPath,
    version: `${version} (workerd ${innerVersion}, ${[date, ...flags.map((f) => `+${f}`)].join(' ')})`,
    source: `npm package miniflare@${version} (${path.relative(fromRoot(), dir)}) with its workerd@${innerVersion}`,
    details: {
      npm: `miniflare@${version}`,
      workerd: `workerd@${innerVersion}`,
      compatibilityDate: date,
      compatibilityFlags: flags.join(',') || 'none',
      outbound: OUTBOUND[outbound],
      connect: 'native cloudflare:sockets',
    },
  };
}

async function hostLaunch(located: LocatedRuntime, files: Pick<MiniflareHostConfig, 'bundle' | 'context' | 'socketOf'>, file: string, workDir: string, caFile: string, outbound: keyof typeof OUTBOUND) {
  const config: MiniflareHostConfig = {
    ...files,
    compatibilityDate: located.details!.compatibilityDate!,
    compatibilityFlags: located.details!.compatibilityFlags === 'none' ? [] : located.details!.compatibilityFlags!.split(','),
  };
  await writeFile(file, JSON.stringify(config));
  // The installed command runs compiled JavaScript (dist/); the sources run through tsx, imported by
  // absolute URL since an --import specifier resolves from the working directory, the scratch folder.
  const host = runningCompiled
    ? [path.join(distDir, 'runners', 'runtimes', 'miniflare-host.js')]
    : ['--import', pathToFileURL(requireFromRoot.resolve('tsx')).href, fromRoot('runners/runtimes/miniflare-host.ts')];
  return {
    argv: [located.binary, ...host, file],
    cwd: workDir,
    // The runner's own environment may carry one; each column says what it trusts.
    env: { NODE_EXTRA_CA_CERTS: outbound === 'ca' ? caFile : '' },
  };
}

function miniflareAdapter(id: string, outbound: keyof typeof OUTBOUND): RuntimeAdapter {
  return {
    id,
    npmPackage: 'miniflare',
    locate: () => locateMiniflare(id, outbound),
    // The same bundles as workerd: a worker module with the workerd glue.
    build: workerd.build,
    async launch({ located, bundle, context, workDir, caFile }) {
      return hostLaunch(located, { bundle, context }, path.join(workDir, `${context.nonce}.miniflare.json`), workDir, caFile, outbound);
    },
    // One Miniflare for many files: each file is a worker of its own, run at most once per process
    // (runners/warm.ts, http transport), as in workerd's warm process. Every file of the run, not a
    // share: starting a process costs a Node.js, Miniflare and workerd start (1.5-2.4 s), against
    // about 14 ms of CPU for each worker more that it loads.
    async launchWarm({ located, build, workDir, caFile }) {
      const bundles = [...new Set(build.bundles.values())];
      const socketOf = Object.fromEntries(bundles.map((b, i) => [b, `file${i}`]));
      const spec = await hostLaunch(located, { socketOf }, path.join(workDir, `warm-${randomUUID()}.miniflare.json`), workDir, caFile, outbound);
      return { ...spec, http: { socketOf } };
    },
    // Every file starts Node.js, tsx, Miniflare and then workerd: 1.5-2.4 s for a file that takes
    // workerd 0.1 s at a load average of 6, and 7-15 s per file at 14-24, on a 2-core machine.
    timeoutFactor: 4,
    onlyWhenNamed: true,
  };
}

export const miniflare = miniflareAdapter('miniflare', 'default');
export const miniflareCa = miniflareAdapter('miniflare-ca', 'ca');
