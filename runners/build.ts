// Bundles each test file, with the harness and a connect() module, into one self-contained ES module
// per file, so that runtimes which cannot load TypeScript (or resolve node_modules) run the same code.
// Builds are cached on content: a build is reused when its key and every input file are unchanged.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { BuildTarget } from './runtime.ts';
import { cacheRoot, fromRoot, projectRoot } from './paths.ts';

export interface BuildRequest {
  target: BuildTarget;
  /** Absolute path of the module exporting `connect` (the runtime's default or an --impl module). */
  connectModule: string;
  /** Absolute paths of the test files, with the keys used in records. */
  files: { file: string; absolutePath: string }[];
}

export interface BuildOutput {
  /** Bundle path per test file key. */
  bundles: Map<string, string>;
  /** The bundled warm host, for targets that have one (BuildTarget.warmHost). */
  warmHost?: string;
  /** Directory holding every bundle of this build. */
  outDir: string;
  cached: boolean;
  durationMs: number;
}

export class BuildError extends Error {
  override name = 'BuildError';
}

export async function buildBundles(request: BuildRequest): Promise<BuildOutput> {
  const started = performance.now();
  const keyText = JSON.stringify({ v: 3, root: projectRoot, target: request.target, connect: request.connectModule, sockets: mapsSocketsModule(request), files: request.files.map((f) => f.absolutePath) });
  const key = createHash('sha256').update(keyText).digest('hex').slice(0, 16);
  const outDir = path.join(cacheRoot(), key);
  const manifestPath = path.join(outDir, 'manifest.json');
  const bundles = new Map(request.files.map((f, i) => [f.file, path.join(outDir, 'out', `${i}.mjs`)]));
  const warmHost = request.target.warmHost ? path.join(outDir, 'out', 'host.mjs') : undefined;
  const output = (cached: boolean): BuildOutput => ({ bundles, ...(warmHost ? { warmHost } : {}), outDir: path.join(outDir, 'out'), cached, durationMs: performance.now() - started });

  if (await upToDate(manifestPath)) return output(true);

  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'entries'), { recursive: true });
  const entryPoints: Record<string, string> = {};
  for (const [i, f] of request.files.entries()) {
    const entry = path.join(outDir, 'entries', `${i}.mjs`);
    await writeFile(entry, entrySource(request, f));
    entryPoints[String(i)] = entry;
  }
  if (request.target.warmHost) entryPoints.host = request.target.warmHost;
  let result: esbuild.BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints,
      outdir: path.join(outDir, 'out'),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      format: 'esm',
      platform: request.target.platform,
      conditions: mapsSocketsModule(request) ? [...new Set([...(request.target.conditions ?? []), 'workerd'])] : request.target.conditions,
      external: request.target.external,
      plugins: mapsSocketsModule(request) ? [socketsModulePlugin(request)] : [],
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
      // The polyfill and test helpers are plain ESM; a CJS dependency gets a `require` shim on Node-like platforms.
      // Older workerd builds (--runtime workerd@VERSION) leave import.meta.url undefined.
      banner: request.target.platform === 'node' ? { js: "import { createRequire as __scCreateRequire } from 'node:module'; const require = __scCreateRequire(import.meta.url || 'file:///bundle.mjs');" } : undefined,
      absWorkingDir: projectRoot,
    });
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    const first = failure.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    throw new BuildError(`cannot bundle the tests: ${where}${first?.text ?? failure.message}`);
  }
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const abs = path.resolve(projectRoot, input);
    inputs[abs] = await hashFile(abs);
  }
  await writeFile(manifestPath, JSON.stringify({ inputs }));
  return output(false);
}

// Libraries written on connect() (pg-cloudflare, postgres, worker-mailer: the interop tier) import
// it from `cloudflare:sockets`, and some publish that build only under the `workerd` export
// condition. The bundle maps that import to the connect() under test and picks those libraries'
// `workerd` builds, so they run over it exactly as they run in workerd: where the runtime has no
// such module of its own, and wherever an --impl module replaces the runtime's connect() (in
// workerd too, or the libraries would bypass the implementation under test).
const SOCKETS_MODULE = 'cloudflare:sockets';

function mapsSocketsModule(request: BuildRequest): boolean {
  return !request.target.external.includes(SOCKETS_MODULE) || request.connectModule !== request.target.defaultConnect;
}

function socketsModulePlugin(request: BuildRequest): esbuild.Plugin {
  const native = request.target.external.includes(SOCKETS_MODULE);
  return {
    name: 'cloudflare-sockets-to-connect-under-test',
    setup(build) {
      build.onResolve({ filter: /^cloudflare:sockets$/ }, (args) =>
        // An --impl module that wraps the runtime's own module keeps reaching it.
        native && args.importer === request.connectModule ? { path: SOCKETS_MODULE, external: true } : { path: request.connectModule },
      );
    },
  };
}

function entrySource(request: BuildRequest, f: { file: string; absolutePath: string }): string {
  const q = (p: string) => JSON.stringify(p);
  // Import order is evaluation order: the prelude prepares the global scope, testharness.js loads,
  // the restore step undoes the prelude's hiding, then connect(), the test file and the glue.
  return [
    `import ${q(fromRoot('harness/prelude.ts'))};`,
    `import ${q(fromRoot('harness/testharness.ts'))};`,
    `import ${q(fromRoot('harness/restore.ts'))};`,
    `import { connect } from ${q(request.connectModule)};`,
    `import register from ${q(f.absolutePath)};`,
    `import { main } from ${q(request.target.glue)};`,
    `export default main(${q(f.file)}, connect, register);`,
    '',
  ].join('\n');
}

async function upToDate(manifestPath: string): Promise<boolean> {
  let manifest: { inputs: Record<string, string> };
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch {
    return false;
  }
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    if ((await hashFile(file).catch(() => '')) !== hash) return false;
  }
  return true;
}

async function hashFile(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}
