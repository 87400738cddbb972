// A cluster made by initdb once per server build and user, kept in the system's temp folder, and
// copied for each run. initdb is most of a PostgreSQL start: 0.83-1.13 s of wall time of the
// 1.0-1.4 s it took to have a server with its role and database, and about 0.6 s of CPU, on the
// development machine, at every run. A copy of the folder costs a small part of that. Each run's
// copy gets its own certificate, key and pg_hba.conf, its own role with a fresh password, and is
// deleted when the run ends; the template only ever holds what initdb wrote.

import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PostgresServer, ServerIdentity } from './postgres-server.ts';

/** The cluster's superuser; the clients get a role of their own. */
export const ADMIN = 'conformance_admin';

/** What initdb is asked for. Changing it makes a new template (it is part of the key). */
const INITDB_ARGS = ['-U', ADMIN, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--wal-segsize=1'];

export interface ClusterTemplate {
  /** The data folder initdb made, owned by the server's user. */
  data: string;
  /** The superuser's password, set by initdb. */
  adminPassword: string;
}

type Run = (bin: string, args: string[], identity: ServerIdentity | null, cwd: string, env: NodeJS.ProcessEnv) => Promise<void>;

/** The template for this server build and user, made now if there is none yet. Two runs making it
 * at once each make one, and the first to finish is kept. */
export async function clusterTemplate(server: PostgresServer, identity: ServerIdentity | null, env: NodeJS.ProcessEnv, runToEnd: Run): Promise<ClusterTemplate> {
  const postgres = await stat(path.join(server.bin, 'postgres'));
  const key = createHash('sha256')
    .update(JSON.stringify([server.bin, postgres.size, postgres.mtimeMs, identity?.uid ?? process.getuid?.() ?? null, INITDB_ARGS]))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(os.tmpdir(), `sockets-conformance-pg-cluster-${key}`);
  const template = async (): Promise<ClusterTemplate> => ({ data: path.join(dir, 'data'), adminPassword: (await readFile(path.join(dir, 'admin-password'), 'utf8')).trim() });
  try {
    return await template();
  } catch {
    // Not made yet.
  }
  const partial = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    // Others may pass through to the data folder, which is the server user's alone (0700).
    await mkdir(partial, { mode: 0o711 });
    if (identity) await chown(partial, identity.uid, identity.gid);
    const adminPassword = randomBytes(12).toString('hex');
    const pwfile = path.join(partial, 'pwfile');
    await writeFile(pwfile, `${adminPassword}\n`, { mode: 0o600 });
    if (identity) await chown(pwfile, identity.uid, identity.gid);
    await runToEnd(path.join(server.bin, 'initdb'), ['-D', path.join(partial, 'data'), `--pwfile=${pwfile}`, ...INITDB_ARGS], identity, partial, env);
    await rm(pwfile);
    // Readable by the runner only; written last, so a template with it is a whole one.
    await writeFile(path.join(partial, 'admin-password'), `${adminPassword}\n`, { mode: 0o600 });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    // Another run made it first.
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
  return template();
}
