// A throwaway PostgreSQL cluster for the interop tier: a copy of a cluster that initdb made once
// (interop/postgres-template.ts) in a fresh temporary directory, listening on 127.0.0.1 only, on a
// port the kernel hands out (never 5432, never a system cluster), SSL on with a certificate from
// the interop CA, one role and one database for the clients.
// Stopping it shuts the server down and deletes the directory. Which binaries run it, and as which
// user under root: interop/postgres-server.ts (the npm build by default).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PostgresFixture } from '../records/fixtures.ts';
import type { TlsMaterial } from '../echo-server/certificates.ts';
import { findPostgresServer, reachableBy, serverEnv, serverIdentity, type PostgresServer, type ServerIdentity } from './postgres-server.ts';
import { ADMIN, clusterTemplate } from './postgres-template.ts';

export { INSTALL_HINT, PostgresUnavailable, findPostgresServer, type PostgresServer } from './postgres-server.ts';

export interface RunningPostgres {
  fixture: PostgresFixture;
  /** The temporary directory holding the cluster; gone once stop() resolves. */
  directory: string;
  /** The binaries that run it (npm build or system installation). */
  server: PostgresServer;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Which binaries to run (default: findPostgresServer()). */
  server?: PostgresServer;
  /** Under root, the users to run the server as, first one that exists (default: postgres, nobody). */
  users?: readonly string[];
}

const USER = 'conformance';
const DATABASE = 'conformance';
const READY_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runToEnd(bin: string, args: string[], identity: ServerIdentity | null, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], ...ids(identity), env });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`))));
  });
}

/** Resolves once the server logs that it accepts connections; rejects if it exits first. */
function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`postgres did not become ready within ${READY_TIMEOUT_MS} ms: ${log.slice(-500)}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stderr!.resume();
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited during start-up (${code ?? signal}): ${log.trim().split('\n').slice(-3).join(' / ')}`));
    });
  });
}

// The server must not outlive this process, however it ends (SIGKILL and an unhandled SIGTERM run no
// handler): a shell tether starts postgres and keeps the read end of a pipe from this process; when
// the pipe closes (stop() closes it, the kernel closes it on any exit) it asks for a fast shutdown
// (SIGINT), and once the server is gone it deletes the cluster's folder, so a crashed run leaves
// nothing behind either. The explicit `<&3` matters: a background list's stdin is otherwise
// /dev/null. The tether ignores SIGINT itself, so that Ctrl-C in a terminal (which reaches the whole
// foreground group) stops the server through its own handler and the tether still cleans up.
const TETHER = 'trap "" INT; exec 3<&0; "$0" "$@" </dev/null & pg=$!; (read _ <&3; kill -INT $pg 2>/dev/null) & wait $pg; rm -rf "$CLUSTER_DIR"';

/** Last resort when the tether did not stop the server: the postmaster's pid is in its pid file. */
function killPostmaster(data: string): void {
  try {
    const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // No pid file: the server never started or is already gone.
  }
}

const ids = (identity: ServerIdentity | null) => (identity ? { uid: identity.uid, gid: identity.gid } : {});

export async function startPostgres(material: TlsMaterial, options: StartOptions = {}): Promise<RunningPostgres> {
  const identity = await serverIdentity(options.users);
  const found = options.server ?? (await findPostgresServer());
  const root = await mkdtemp(path.join(os.tmpdir(), 'sockets-conformance-pg-'));
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => {
        child!.kill('SIGKILL');
        killPostmaster(path.join(root, 'data'));
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    if (identity) await chown(root, identity.uid, identity.gid);
    const envFor = (server: PostgresServer) => serverEnv(server, path.join(root, 'lib'), identity);
    const server = await reachableBy(found, identity, envFor);
    const env = await envFor(server);
    const bin = server.bin;
    const data = path.join(root, 'data');
    const template = await clusterTemplate(server, identity, env, runToEnd);
    // Copied as the server's user, so the copy is its own like the original.
    await runToEnd('cp', ['-R', '-p', template.data, data], identity, root, env);
    const { adminPassword } = template;
    const password = randomBytes(12).toString('hex');

    const certFile = path.join(data, 'server.crt');
    const keyFile = path.join(data, 'server.key');
    await writeFile(certFile, material.certificate);
    // PostgreSQL refuses a key that others can read.
    await writeFile(keyFile, material.privateKey, { mode: 0o600 });
    await writeFile(path.join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
    if (identity) {
      for (const file of [certFile, keyFile, path.join(data, 'pg_hba.conf')]) await chown(file, identity.uid, identity.gid);
    }
    await chmod(keyFile, 0o600);

    let port = 0;
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < START_ATTEMPTS && !child; attempt++) {
      // The port is free when asked, but something may take it before postgres binds: then retry.
      port = await freePort();
      const candidate = spawn('sh', ['-c', TETHER, path.join(bin, 'postgres'),
        '-D', data,
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `port=${port}`,
        '-c', 'unix_socket_directories=',
        '-c', 'ssl=on',
        '-c', `ssl_cert_file=${certFile}`,
        '-c', `ssl_key_file=${keyFile}`,
        '-c', 'fsync=off',
        '-c', 'max_connections=200',
      ], { cwd: root, stdio: ['pipe', 'ignore', 'pipe'], ...ids(identity), env: { ...env, CLUSTER_DIR: root } });
      try {
        await waitReady(candidate);
        child = candidate;
      } catch (error) {
        lastError = error as Error;
        candidate.stdin!.end();
        candidate.kill('SIGKILL');
        killPostmaster(data);
      }
    }
    if (!child) throw lastError ?? new Error('postgres did not start');

    // The clients' database is initdb's empty `postgres` one, renamed and handed to their role:
    // catalog changes only, where CREATE DATABASE would copy a template's files (megabytes written
    // at every run). The superuser connects to template1 for it, since a database in use cannot be
    // renamed.
    const admin = new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password: adminPassword, database: 'template1' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${USER} LOGIN PASSWORD '${password}'`);
      await admin.query(`ALTER DATABASE postgres RENAME TO ${DATABASE}`);
      await admin.query(`ALTER DATABASE ${DATABASE} OWNER TO ${USER}`);
    } finally {
      await admin.end();
    }
    return {
      fixture: { hostname: '127.0.0.1', port, user: USER, password, database: DATABASE },
      directory: root,
      server,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
