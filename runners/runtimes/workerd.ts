// workerd (the `workerd` npm package's binary) with its native `cloudflare:sockets`, no polyfill.
// Each file gets a generated config: the bundle as the worker's ES module, the run context as a
// json binding, and a network service as the worker's global outbound, since only such a service
// may reach loopback addresses and only its tlsOptions can make TLS trust the fixture CA.
// `workerd test` runs the worker's test() handler once and exits: measured on one file it costs
// the same as `workerd serve` plus one request (about 80 ms either way), with no port to wait for.

import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fromRoot } from '../paths.ts';
import type { LocatedRuntime, RuntimeAdapter } from '../runtime.ts';
import { findNpmBinary } from './npm-binary.ts';

/** The npm package that carries workerd's binary for each platform (workerd's own and miniflare's). */
export const WORKERD_PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@cloudflare/workerd-linux-64',
  'linux-arm64': '@cloudflare/workerd-linux-arm64',
  'darwin-x64': '@cloudflare/workerd-darwin-64',
  'darwin-arm64': '@cloudflare/workerd-darwin-arm64',
  'win32-x64': '@cloudflare/workerd-windows-64',
};
const exe = process.platform === 'win32' ? 'workerd.exe' : 'workerd';

/** Compatibility flags on top of the date. None: since 2026-08-04 nodejs_compat is on by default
 * (workerd says so when it is given), and nothing else the suite uses sits behind a flag. */
const COMPATIBILITY_FLAGS: string[] = [];

/** Older builds (`--runtime workerd@VERSION`) need nodejs_compat named: before that date the bundles'
 * node:* imports (node:module's createRequire for CommonJS dependencies) do not resolve without it. */
const NODEJS_COMPAT_DEFAULT_FROM = '2026-08-04';
export function compatibilityFlagsFor(date: string): string[] {
  return date < NODEJS_COMPAT_DEFAULT_FROM ? [...COMPATIBILITY_FLAGS, 'nodejs_compat'] : COMPATIBILITY_FLAGS;
}

export const workerd: RuntimeAdapter = {
  id: 'workerd',
  npmPackage: 'workerd',
  locate: () => locateWorkerd(),
  fromNpm: { npmPackage: 'workerd', locateIn: (root) => locateWorkerd(root) },
  build: {
    // Packages' `workerd` / `worker` builds where they have them. Platform `node` leaves Node's
    // built-in modules as imports (workerd provides them) and gives CommonJS dependencies a
    // `require` from node:module's createRequire, which workerd also provides.
    platform: 'node',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:sockets', 'cloudflare:*'],
    glue: fromRoot('harness/glue/workerd.ts'),
    defaultConnect: fromRoot('harness/connect/cloudflare.ts'),
  },
  async bareStart(located, workDir) {
    const module = path.join(workDir, 'bare-start.mjs');
    await writeFile(module, 'export default { async test() {} };\n');
    const config = path.join(workDir, 'bare-start.capnp');
    await writeFile(config, workerdConfig({ located, workers: [{ module: path.basename(module), context: null }], certificates: [] }));
    return { argv: [located.binary, 'test', config], cwd: workDir };
  },
  async launch({ located, bundle, context, workDir, caFile }) {
    const config = path.join(workDir, `${context.nonce}.capnp`);
    const certificates = pemBlocks(await readFile(caFile, 'utf8'));
    // embed paths are relative to the config file; absolute ones would be looked up under -I dirs.
    await writeFile(config, workerdConfig({ located, workers: [{ module: path.relative(workDir, bundle), context }], certificates }));
    return { argv: [located.binary, 'test', config], cwd: workDir };
  },
  // workerd loads no code after start-up, so a warm process serves the share of the run's files it
  // is started with (request.bundles), each as a worker of its own on a socket of its own, and runs
  // a file when the runner posts to it.
  async launchWarm({ located, bundles, workDir, caFile }) {
    const config = path.join(workDir, `warm-${randomUUID()}.capnp`);
    const certificates = pemBlocks(await readFile(caFile, 'utf8'));
    await writeFile(config, workerdConfig({ located, workers: bundles.map((b) => ({ module: path.relative(workDir, b), context: null })), certificates, sockets: true }));
    return {
      argv: [located.binary, 'serve', config, '--control-fd=3'],
      cwd: workDir,
      http: { socketOf: Object.fromEntries(bundles.map((b, i) => [b, `file${i}`])) },
    };
  },
};

async function locateWorkerd(root?: string) {
  const platformPackage = WORKERD_PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  // The platform package's binary first: without the postinstall (denied in package.json
  // allowScripts, and never run for a cached version) workerd/bin/workerd is a Node script that
  // starts that binary, a Node start-up for every launch.
  const found = await findNpmBinary('workerd', 'workerd', [
    ...(platformPackage ? [{ npmPackage: platformPackage, file: `bin/${exe}` }] : []),
    { npmPackage: 'workerd', file: `bin/${exe}` },
  ], root);
  // `workerd 2026-11-17`: the newest compatibility date the binary supports. Workers run at that
  // date, so the suite sees the runtime's current behaviour; the pinned npm version fixes it.
  const date = /(\d{4}-\d{2}-\d{2})/.exec(found.versionOutput)?.[1];
  if (!date) throw new Error(`workerd --version printed "${found.versionOutput}", with no compatibility date in it`);
  const flags = compatibilityFlagsFor(date);
  return {
    binary: found.binary,
    version: [date, ...flags.map((f) => `+${f}`)].join(' '),
    source: found.source,
    details: {
      npm: found.npmPackage,
      compatibilityDate: date,
      compatibilityFlags: flags.join(',') || 'none',
      connect: 'native cloudflare:sockets',
    },
  };
}

function flagsOf(located: LocatedRuntime): string[] {
  const listed = located.details?.compatibilityFlags;
  return listed === undefined ? COMPATIBILITY_FLAGS : listed === 'none' ? [] : listed.split(',');
}

interface ConfigInput {
  located: LocatedRuntime;
  /** Each worker's module, relative to the config file, with its CONTEXT binding (null: none). */
  workers: { module: string; context: unknown }[];
  certificates: string[];
  /** Serve each worker on a loopback socket of its own (port chosen by the system) instead of
   * running it under `workerd test`. */
  sockets?: boolean;
}

function workerdConfig({ located, workers, certificates, sockets = false }: ConfigInput): string {
  const q = capnpString;
  const date = located.details?.compatibilityDate ?? located.version.split(' ')[0]!;
  const worker = ({ module, context }: ConfigInput['workers'][number]) => `(
    modules = [(name = ${q(path.basename(module))}, esModule = embed ${q(module)})],
    compatibilityDate = ${q(date)},
    compatibilityFlags = [${flagsOf(located).map(q).join(', ')}],
    bindings = [${context === null ? '' : `(name = "CONTEXT", json = ${q(JSON.stringify(context))})`}],
    globalOutbound = "loopback",
  )`;
  const name = (i: number) => (workers.length === 1 && !sockets ? 'main' : `file${i}`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${workers.map((w, i) => `    (name = ${q(name(i))}, worker = ${worker(w)}),`).join('\n')}
    # Loopback only: the fixtures are all the suite may reach.
    (name = "loopback", network = (
      allow = ["local"],
      tlsOptions = (trustedCertificates = [${certificates.map(q).join(', ')}]),
    )),
  ],
  sockets = [${sockets ? workers.map((_, i) => `\n    (name = ${q(name(i))}, address = "127.0.0.1:0", http = (), service = ${q(name(i))}),`).join('') + '\n  ' : ''}],
);
`;
}

/** A Cap'n Proto text literal. */
export function capnpString(value: string): string {
  const escaped = value.replace(/[\\"]/g, '\\$&').replace(/[\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

/** The certificates of a PEM file, one entry each (the run's CA file holds more than one CA). */
export function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.map((b) => `${b}\n`) ?? [];
}
