// Finds a runtime binary that an npm package put on this machine. The packages (deno, bun, workerd)
// ship their binaries in per-platform optional dependencies and copy them into place from a
// postinstall script; with --ignore-scripts only the platform package's copy exists, and on a CPU
// without AVX2 only bun's baseline build runs. So each adapter lists candidates in order of
// preference and the first one that answers `--version` wins.

import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromRoot, projectRoot } from '../paths.ts';
import { RuntimeUnavailable } from '../runtime.ts';

const run = promisify(execFile);
const requireFromRoot = createRequire(fromRoot('package.json'));

/** A file inside an npm package that may be the runtime's binary. */
export interface BinaryCandidate {
  npmPackage: string;
  /** Path of the binary inside the package. */
  file: string;
}

export interface FoundBinary {
  binary: string;
  /** The package the binary was found in, with its installed version (`deno@2.9.6`). */
  npmPackage: string;
  /** What `<binary> --version` printed, trimmed. */
  versionOutput: string;
  /** `npm package deno@2.9.6 (node_modules/deno/deno)`, for RuntimeRecord.source. */
  source: string;
}

/** The directory of an installed package, looked up from the main package first (platform packages
 * may be nested under it) and then from this project; undefined when it is not installed. */
function packageDir(name: string, mainPackage: string, root?: string): string | undefined {
  const from = root ? createRequire(path.join(root, 'package.json')) : requireFromRoot;
  const attempts = [() => createRequire(from.resolve(`${mainPackage}/package.json`)), () => from];
  for (const attempt of attempts) {
    try {
      return path.dirname(attempt().resolve(`${name}/package.json`));
    } catch {
      // Not installed from there.
    }
  }
  return undefined;
}

function packageVersion(dir: string): string {
  return (requireFromRoot(path.join(dir, 'package.json')) as { version: string }).version;
}

const cache = new Map<string, Promise<FoundBinary>>();

/** Tries each candidate; throws RuntimeUnavailable naming `mainPackage` when none runs. `root` is a
 * folder other than the project's whose node_modules hold the packages (a cached runtime version). */
export function findNpmBinary(runtime: string, mainPackage: string, candidates: BinaryCandidate[], root?: string): Promise<FoundBinary> {
  const key = JSON.stringify([runtime, mainPackage, candidates, root]);
  let found = cache.get(key);
  if (!found) {
    found = probe(runtime, mainPackage, candidates, root);
    cache.set(key, found);
  }
  return found;
}

/** The variable that names a binary of one's own for a runtime (e.g. a runtime's CI testing its own
 * build): SOCKETS_CONFORMANCE_DENO_BINARY=./target/release/deno. It replaces the npm build. */
export const binaryOverrideVariable = (runtime: string) => `SOCKETS_CONFORMANCE_${runtime.toUpperCase()}_BINARY`;

async function probe(runtime: string, mainPackage: string, candidates: BinaryCandidate[], root?: string): Promise<FoundBinary> {
  const variable = binaryOverrideVariable(runtime);
  // A cached version (root: --runtime NAME@VERSION) is that version, whatever the variable says.
  const override = root ? undefined : process.env[variable];
  if (override) {
    const binary = path.resolve(override);
    try {
      const { stdout } = await run(binary, ['--version'], { timeout: 15_000, env: { ...process.env, NO_COLOR: '1' } });
      return { binary, npmPackage: `not from npm (${variable})`, versionOutput: stdout.trim(), source: `${binary} (${variable})` };
    } catch (error) {
      throw new RuntimeUnavailable(`${variable}=${override} does not run \`--version\`: ${firstLine(error)}`);
    }
  }
  const tried: string[] = [];
  for (const candidate of candidates) {
    const dir = packageDir(candidate.npmPackage, mainPackage, root);
    if (!dir) continue;
    const binary = path.join(dir, candidate.file);
    const shown = root ? binary : path.relative(projectRoot, binary) || binary;
    try {
      await access(binary, constants.X_OK);
      // A placeholder left by a skipped postinstall, or a build the CPU cannot run, fails here.
      const { stdout } = await run(binary, ['--version'], { timeout: 15_000, env: { ...process.env, NO_COLOR: '1' } });
      // Named after the package users install (deno, bun, workerd), whose version it is, even when
      // the binary sits in its platform package.
      const mainDir = packageDir(mainPackage, mainPackage, root);
      const npmPackage = mainDir ? `${mainPackage}@${packageVersion(mainDir)}` : `${candidate.npmPackage}@${packageVersion(dir)}`;
      return { binary, npmPackage, versionOutput: stdout.trim(), source: `npm package ${npmPackage} (${shown})` };
    } catch (error) {
      tried.push(`${shown}: ${firstLine(error)}`);
    }
  }
  const detail = tried.length > 0 ? `; tried ${tried.join(', ')}` : '';
  if (root) throw new RuntimeUnavailable(`${runtime}: no runnable binary in ${root} (no build of "${mainPackage}" for ${platformKey}?)${detail}`);
  // An optional dependency (package.json): an install may have left it out (--omit=optional, a
  // platform it does not support, a registry that refused it).
  throw new RuntimeUnavailable(`${runtime} is not installed: it comes from the "${mainPackage}" npm package, an optional dependency (npm install ${mainPackage})${detail}`);
}

function firstLine(error: unknown): string {
  const e = error as { code?: string; signal?: string; message?: string };
  if (e.signal) return `killed by ${e.signal}`;
  return e.code ?? (e.message ?? String(error)).split('\n')[0]!;
}

/** `linux-x64` style key for the running platform, used to pick a package's platform build. */
export const platformKey = `${process.platform}-${process.arch}`;

/** Whether this Linux uses musl (Alpine) rather than glibc. */
export function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}
