// Bun (the `bun` npm package's binary) with the @arrowood.dev/socket polyfill over Bun's Node
// compatibility. bun's postinstall moves the platform build into bun/bin/bun.exe; without it (npm
// --ignore-scripts) that file is a placeholder and the platform package's own copy is used. On a
// CPU without AVX2 the regular build dies at start, and the `-baseline` package is the fallback
// (it is not among bun's optional dependencies: install it by hand on such machines).

import { warmHostOf, type RuntimeAdapter } from '../runtime.ts';
import { POLYFILL_BUILD } from './polyfill-build.ts';
import { findNpmBinary, isMusl, type BinaryCandidate } from './npm-binary.ts';

const ARCH: Record<string, string> = { x64: 'x64', arm64: 'aarch64' };
const exe = process.platform === 'win32' ? 'bun.exe' : 'bun';

function candidates(): BinaryCandidate[] {
  // The platform package's binary first: the suite denies bun's postinstall (package.json
  // allowScripts), which would move that binary over the placeholder bun/bin/bun.exe.
  const main: BinaryCandidate = { npmPackage: 'bun', file: 'bin/bun.exe' };
  const arch = ARCH[process.arch];
  if (!arch) return [main];
  const base = `@oven/bun-${process.platform === 'win32' ? 'windows' : process.platform}-${arch}${isMusl() ? '-musl' : ''}`;
  const list: BinaryCandidate[] = [{ npmPackage: base, file: `bin/${exe}` }, main];
  if (arch === 'x64') list.push({ npmPackage: `${base}-baseline`, file: `bin/${exe}` });
  return list;
}

// Nothing may leave loopback: no telemetry, no crash report uploads; no colour codes in kept output.
const QUIET_ENV = { DO_NOT_TRACK: '1', BUN_ENABLE_CRASH_REPORTING: '0', NO_COLOR: '1' };

export const bun: RuntimeAdapter = {
  id: 'bun',
  npmPackage: 'bun',
  locate: () => locateBun(),
  fromNpm: { npmPackage: 'bun', locateIn: (root) => locateBun(root) },
  build: POLYFILL_BUILD,
  bareStart: (located) => ({ argv: [located.binary, '-e', '0'], env: QUIET_ENV }),
  launch: ({ located, bundle, context, workDir, caFile }) => bunLaunch(located.binary, [bundle, JSON.stringify(context)], workDir, caFile),
  launchWarm: ({ located, build, workDir, caFile }) => bunLaunch(located.binary, [warmHostOf(build)], workDir, caFile),
};

async function locateBun(root?: string) {
  // The platform package first (candidates()): a cached version (--runtime bun@VERSION) is installed
  // without scripts too, and its bin/bun.exe is a placeholder that may answer --version with nothing.
  const found = await findNpmBinary('bun', 'bun', candidates(), root);
  return {
    binary: found.binary,
    version: found.versionOutput.split('\n')[0]!,
    source: found.source,
    details: { npm: found.npmPackage, connect: 'polyfill @arrowood.dev/socket over node:net/node:tls' },
  };
}

function bunLaunch(binary: string, args: string[], workDir: string, caFile: string) {
  return {
    // --no-install: never fetch a package for an import it cannot resolve (the bundle has none).
    argv: [binary, 'run', '--no-install', ...args],
    // The polyfill has no CA option; Bun, like Node, adds this file to its trust store at start-up.
    env: { ...QUIET_ENV, NODE_EXTRA_CA_CERTS: caFile },
    // Away from the project's package.json and bunfig.toml, which Bun would otherwise read.
    cwd: workDir,
  };
}
