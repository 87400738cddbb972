// Deno (the `deno` npm package's binary) with the @arrowood.dev/socket polyfill over Deno's Node
// compatibility. The polyfill is bundled in, so no package.json or node_modules is needed beside
// the bundle. Permissions: network to the fixture addresses only, nothing else, and never a prompt
// (a prompt would wait forever for a terminal that CI does not have).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { warmHostOf, type LaunchRequest, type LocatedRuntime, type RuntimeAdapter, type WarmLaunchRequest } from '../runtime.ts';
import { POLYFILL_BUILD } from './polyfill-build.ts';
import { findNpmBinary } from './npm-binary.ts';

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@deno/linux-x64-glibc',
  'linux-arm64': '@deno/linux-arm64-glibc',
  'darwin-x64': '@deno/darwin-x64',
  'darwin-arm64': '@deno/darwin-arm64',
  'win32-x64': '@deno/win32-x64',
  'win32-arm64': '@deno/win32-arm64',
};
const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';

// No update check (it would reach the internet) and no colour codes in the kept output.
const QUIET_ENV = { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
const run = promisify(execFile);

export const deno: RuntimeAdapter = {
  id: 'deno',
  npmPackage: 'deno',
  locate: () => locateDeno(),
  fromNpm: { npmPackage: 'deno', locateIn: (root) => locateDeno(root) },
  build: POLYFILL_BUILD,
  bareStart: (located) => ({ argv: [located.binary, 'eval', '0'], env: QUIET_ENV }),
  launch: ({ located, bundle, context, fixtures, workDir, caFile }: LaunchRequest) =>
    denoRun({ binary: located.binary, ignoreEnv: ignoresEnv(located), fixtures, workDir, caFile, readable: [], args: [bundle, JSON.stringify(context)] }),
  // The warm host imports bundles it is told about at run time, which Deno allows only from
  // readable paths: the build's output directory and nothing else.
  launchWarm: ({ located, build, fixtures, workDir, caFile }: WarmLaunchRequest) =>
    denoRun({ binary: located.binary, ignoreEnv: ignoresEnv(located), fixtures, workDir, caFile, readable: [build.outDir], args: [warmHostOf(build)] }),
};

async function locateDeno(root?: string) {
  const platformPackage = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  // The platform package's binary first: the suite denies deno's postinstall (package.json
  // allowScripts), which would only copy that binary into the main package; a cached version
  // (--runtime deno@VERSION) is installed without scripts as well.
  const found = await findNpmBinary('deno', 'deno', [
    ...(platformPackage ? [{ npmPackage: platformPackage, file: exe }] : []),
    { npmPackage: 'deno', file: exe },
  ], root);
  // `deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)` then v8 and typescript lines.
  const version = /^deno (\S+)/.exec(found.versionOutput)?.[1] ?? found.versionOutput.split('\n')[0]!;
  const v8 = /^v8 (\S+)/m.exec(found.versionOutput)?.[1];
  // --ignore-env is newer than some versions `--runtime deno@VERSION` runs (2.5.0 has none): those
  // run without it, and a library that reads the environment meets a permission error instead.
  const help = await run(found.binary, ['run', '--help'], { timeout: 15_000, env: { ...process.env, ...QUIET_ENV } }).then((r) => r.stdout, () => '');
  const env = help.includes('--ignore-env') ? 'ignored (--ignore-env)' : 'denied (this version has no --ignore-env)';
  return {
    binary: found.binary,
    version,
    source: found.source,
    details: { npm: found.npmPackage, connect: 'polyfill @arrowood.dev/socket over node:net/node:tls', ...(v8 ? { v8 } : {}), env },
  };
}

const ignoresEnv = (located: LocatedRuntime) => !located.details?.env?.startsWith('denied');

function denoRun({ binary, ignoreEnv, fixtures, workDir, caFile, readable, args }: { binary: string; ignoreEnv: boolean; fixtures: unknown; workDir: string; caFile: string; readable: string[]; args: string[] }) {
  const hosts = allowedHosts(fixtures);
  return {
    argv: [
      binary, 'run',
      '--no-prompt',
      // Ignore any deno.json / package.json / lock file around the bundle; fetch nothing.
      '--no-config', '--no-lock', '--no-remote', '--no-npm',
      // Libraries read settings from the environment (pg reads PG*): they see none, as in a worker,
      // rather than a permission error, and the host's variables stay out of the test's reach.
      ...(ignoreEnv ? ['--ignore-env'] : []),
      // An empty list would mean every host: with no fixtures there is no network at all.
      ...(hosts.length > 0 ? [`--allow-net=${hosts.join(',')}`] : []),
      // The polyfill has no CA option; this adds the fixture CA to the store node:tls uses.
      `--cert=${caFile}`,
      ...(readable.length > 0 ? [`--allow-read=${readable.join(',')}`] : []),
      ...args,
    ],
    env: QUIET_ENV,
    cwd: workDir,
  };
}

/** Every `host:port` the fixtures listen on, under the names tests may use for them (the literal
 * address and `localhost`). Deno checks the name as given, before resolving it, so `localhost:port`
 * needs its own entry. A connection anywhere else fails with NotCapable. */
export function allowedHosts(fixtures: unknown): string[] {
  const hosts = new Set<string>();
  const visit = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const { hostname, port } = value as { hostname?: unknown; port?: unknown };
    if (typeof hostname === 'string' && typeof port === 'number') {
      hosts.add(hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`);
      hosts.add(`localhost:${port}`);
    }
    Object.values(value).forEach(visit);
  };
  visit(fixtures);
  return [...hosts].sort();
}
