// Reading a test file's `meta` means loading the file as a module. From the TypeScript sources (tsx:
// development and the project's own tests) that is a plain import. The compiled command has no
// TypeScript loader, and must not need one: it takes the metadata from a manifest made when the
// package was built (dist/tests-meta.json) while the test files are still the ones it was made from,
// and otherwise transpiles them with esbuild (a dependency already, for the bundles) and keeps what
// it read in the cache. A manifest is keyed on the content of every file under the tests folder,
// so an edited test is read afresh.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileMeta, TestModule } from '../tests/lib/test-file.ts';
import { cacheRoot, distDir, runningCompiled, testsDir } from './paths.ts';

/** What discovery needs of a loaded test file. */
export interface LoadedMeta {
  meta?: FileMeta;
  /** Whether the file exports a default registration function. */
  register: boolean;
}

interface Manifest {
  key: string;
  files: Record<string, LoadedMeta>;
}

export class MetaLoadError extends Error {
  override name = 'MetaLoadError';
  constructor(readonly absolutePath: string, message: string) {
    super(message);
  }
}

export const SHIPPED_MANIFEST = path.join(distDir, 'tests-meta.json');

/** The `meta` of each file (absolute paths under `root`), by absolute path. */
export async function loadMetas(root: string, paths: string[]): Promise<Map<string, LoadedMeta>> {
  if (!runningCompiled) return importEach(paths);
  const key = await contentKey(root);
  const cached = path.join(cacheRoot(), 'meta', `${key}.json`);
  for (const candidate of [SHIPPED_MANIFEST, cached]) {
    const manifest = await readManifest(candidate);
    if (manifest?.key !== key) continue;
    const found = paths.map((p) => manifest.files[relative(root, p)]);
    if (found.every((m) => m !== undefined)) return new Map(paths.map((p, i) => [p, found[i]!]));
  }
  const loaded = await transpileEach(paths);
  await writeManifest(cached, { key, files: Object.fromEntries(paths.map((p) => [relative(root, p), loaded.get(p)!])) }).catch(() => undefined);
  return loaded;
}

/** Writes the manifest the package ships: every test file (spec and performance tiers) under the
 * suite's own tests folder. Returns how many files it holds. */
export async function writeShippedManifest(): Promise<number> {
  const entries = await readdir(testsDir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && SHIPPED_SUFFIXES.some((suffix) => e.name.endsWith(suffix)))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  const loaded = await transpileEach(paths);
  await writeManifest(SHIPPED_MANIFEST, { key: await contentKey(testsDir), files: Object.fromEntries(paths.map((p) => [relative(testsDir, p), loaded.get(p)!])) });
  return paths.length;
}

/** The kinds of test file the runner discovers (runners/discover.ts, runners/perf.ts). */
const SHIPPED_SUFFIXES = ['.any.ts', '.perf.ts'];

async function importEach(paths: string[]): Promise<Map<string, LoadedMeta>> {
  const out = new Map<string, LoadedMeta>();
  for (const p of paths) {
    let mod: Partial<TestModule>;
    try {
      mod = (await import(pathToFileURL(p).href)) as Partial<TestModule>;
    } catch (error) {
      throw new MetaLoadError(p, (error as Error).message.split('\n')[0]!);
    }
    out.set(p, describe(mod));
  }
  return out;
}

async function transpileEach(paths: string[]): Promise<Map<string, LoadedMeta>> {
  const esbuild = await import('esbuild');
  let outputs: { path: string; text: string }[];
  try {
    const result = await esbuild.build({
      entryPoints: paths.map((p, i) => ({ in: p, out: String(i) })),
      outdir: path.join(path.sep, 'meta'),
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      target: 'node20',
      logLevel: 'silent',
    });
    outputs = result.outputFiles;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = first?.location ? path.resolve(first.location.file) : paths[0]!;
    throw new MetaLoadError(where, first ? `${first.location ? `line ${first.location.line}: ` : ''}${first.text}` : (error as Error).message.split('\n')[0]!);
  }
  const out = new Map<string, LoadedMeta>();
  for (const [i, p] of paths.entries()) {
    const text = outputs.find((o) => path.basename(o.path) === `${i}.js`)!.text;
    let mod: Partial<TestModule>;
    try {
      mod = (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as Partial<TestModule>;
    } catch (error) {
      throw new MetaLoadError(p, (error as Error).message.split('\n')[0]!);
    }
    out.set(p, describe(mod));
  }
  return out;
}

function describe(mod: Partial<TestModule>): LoadedMeta {
  // Through JSON, so that what comes from a manifest and what comes from an import are alike.
  return { ...(mod.meta ? { meta: JSON.parse(JSON.stringify(mod.meta)) as FileMeta } : {}), register: typeof mod.default === 'function' };
}

/** A hash of every module under `root` (and of the suite's test helpers, which other folders of
 * tests may import), with their paths. */
async function contentKey(root: string): Promise<string> {
  const hash = createHash('sha256');
  const roots = [...new Set([root, path.join(testsDir, 'lib')])];
  for (const dir of roots) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries
      // Code only, and not the project's own tests, which the package leaves out.
      .filter((e) => e.isFile() && /\.[cm]?[jt]s$/.test(e.name) && !/\.test\.[cm]?[jt]s$/.test(e.name))
      .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
      .sort();
    for (const file of files) {
      hash.update(`${relative(dir, file)}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 32);
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

async function writeManifest(file: string, manifest: Manifest): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Through a temporary name: a concurrent run never reads half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(manifest));
  await rename(temporary, file);
}

const relative = (root: string, p: string) => path.relative(root, p).split(path.sep).join('/');
