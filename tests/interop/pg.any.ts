// node-postgres (pg) through pg-cloudflare, its socket written on connect(), against a real
// PostgreSQL server started for the run (interop/postgres.ts). Not a conformance check: this asks
// whether the software people run on connect() works over this implementation.
import type pg from 'pg';
import type { PostgresFixture } from '../../records/fixtures.ts';
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { REPORTS } from '../regressions/reports.ts';
import { cleanupWithin, describeError, postgresOf, rejectionWithin, within } from './support.ts';

export const meta: FileMeta = {
  title: 'pg (node-postgres) over connect() through pg-cloudflare, against a real PostgreSQL server',
  anchors: ['#connect-section', '#readable-attribute', '#writable-attribute'],
  level: 'optional',
  tier: 'interop',
  timeoutMs: 60_000,
  subtests: {
    'pg connects over connect() and runs SELECT 1': {},
    'pg runs a parameterised query whose 5 MiB result arrives exactly': {
      anchors: ['#readable-attribute', '#writable-attribute'],
    },
    'pg commits a transaction, rolls one back, and recovers from an error inside one': {},
    'pg upgrades through SSLRequest and startTls(), and the server reports the session encrypted': {
      anchors: ['#starttls-method', '#socketoptions-dictionary'],
    },
    'pg reports a backend terminated by the server as an error and an end, not a hang': {
      anchors: ['#closed-attribute', '#readable-attribute'],
    },
    'pg end() completes and the client emits its end event': {
      anchors: ['#close-method', '#closed-attribute'],
      upstream: [REPORTS.pgEndHangs, REPORTS.pgEndUnconnected],
    },
  },
};

/** Rows x characters of the large result: 5 MiB of text. */
const LARGE_ROWS = 5 * 1024;
const LARGE_WIDTH = 1024;

// Loaded when a subtest runs, never when the runner reads `meta` on the host: as-workers.ts must
// change navigator before pg's stream module evaluates, and only inside the runtime under test.
let loading: Promise<typeof pg> | undefined;
const loadPg = () => (loading ??= import('./as-workers.ts').then(() => import('pg')).then((m) => m.default));

async function open(t: TestharnessTest, db: PostgresFixture, ssl = false): Promise<pg.Client> {
  const { Client } = await loadPg();
  const client = new Client({ host: db.hostname, port: db.port, user: db.user, password: db.password, database: db.database, ssl });
  // An error with no listener would be thrown from pg's event emitter and end the runtime.
  client.on('error', () => {});
  cleanupWithin(t, () => client.end());
  await within(client.connect(), 'client.connect()');
  // Guards the whole file against a silent detour through node:net (see as-workers.ts).
  const stream = (client as unknown as { connection: { stream: { constructor: { name: string } } } }).connection.stream;
  assert_equals(stream.constructor.name, 'CloudflareSocket', 'pg must run over pg-cloudflare, the connect()-based socket, not node:net');
  return client;
}

export default function (ctx: TestContext): void {
  promise_test(async (t) => {
    const client = await open(t, postgresOf(ctx));
    const result = await within(client.query('SELECT 1 AS one'), 'SELECT 1');
    assert_equals(result.rows.length, 1, 'one row');
    assert_equals(result.rows[0].one, 1, 'SELECT 1 returns 1');
  }, 'pg connects over connect() and runs SELECT 1');

  promise_test(async (t) => {
    const client = await open(t, postgresOf(ctx));
    const result = await within(
      client.query('SELECT i, repeat(chr(65 + i % 26), $2::int) AS s FROM generate_series(1, $1::int) AS i ORDER BY i', [LARGE_ROWS, LARGE_WIDTH]),
      'the large query',
      30_000,
    );
    assert_equals(result.rows.length, LARGE_ROWS, 'every row arrives');
    let bytes = 0;
    for (const [index, row] of result.rows.entries()) {
      const i = index + 1;
      const expected = String.fromCharCode(65 + (i % 26)).repeat(LARGE_WIDTH);
      if (row.i !== i || row.s !== expected) {
        assert_unreached(`row ${i} differs: got i=${row.i}, s of ${String(row.s).length} characters starting ${JSON.stringify(String(row.s).slice(0, 8))}`);
      }
      bytes += row.s.length;
    }
    assert_equals(bytes, LARGE_ROWS * LARGE_WIDTH, 'total text received');
  }, 'pg runs a parameterised query whose 5 MiB result arrives exactly');

  promise_test(async (t) => {
    const client = await open(t, postgresOf(ctx));
    const q = (text: string, values?: unknown[]) => within(client.query(text, values), text);
    await q('CREATE TEMP TABLE ledger (v int)');
    await q('BEGIN');
    await q('INSERT INTO ledger VALUES ($1)', [1]);
    await q('ROLLBACK');
    await q('BEGIN');
    await q('INSERT INTO ledger VALUES ($1)', [2]);
    await q('COMMIT');
    await q('BEGIN');
    const division = await rejectionWithin(client.query('SELECT 1 / 0'), 'a division by zero inside a transaction');
    assert_equals((division as { code?: string }).code, '22012', `the server's division_by_zero error reaches the client (${describeError(division)})`);
    const aborted = await rejectionWithin(client.query('SELECT 1'), 'a statement in the aborted transaction');
    assert_equals((aborted as { code?: string }).code, '25P02', `the server refuses statements until the transaction ends (${describeError(aborted)})`);
    await q('ROLLBACK');
    const rows = (await q('SELECT v FROM ledger ORDER BY v')).rows.map((r) => r.v);
    assert_array_equals(rows, [2], 'only the committed row remains');
  }, 'pg commits a transaction, rolls one back, and recovers from an error inside one');

  promise_test(async (t) => {
    const client = await open(t, postgresOf(ctx), true);
    const result = await within(client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()'), 'the pg_stat_ssl query');
    assert_equals(result.rows.length, 1, 'pg_stat_ssl has a row for this backend');
    assert_true(result.rows[0].ssl, 'the server reports this session as encrypted');
    assert_true(/^TLSv1\.[23]$/.test(result.rows[0].version), `a current TLS version (got ${result.rows[0].version})`);
  }, 'pg upgrades through SSLRequest and startTls(), and the server reports the session encrypted');

  promise_test(async (t) => {
    const db = postgresOf(ctx);
    const victim = await open(t, db);
    const killer = await open(t, db);
    const pid = (await within(victim.query('SELECT pg_backend_pid() AS pid'), 'pg_backend_pid()')).rows[0].pid as number;
    const errored = new Promise<unknown>((resolve) => victim.once('error', resolve));
    const ended = new Promise<void>((resolve) => victim.once('end', () => resolve()));
    const killed = await within(killer.query('SELECT pg_terminate_backend($1) AS ok', [pid]), 'pg_terminate_backend()');
    assert_true(killed.rows[0].ok, 'the server terminated the backend');
    const error = await within(errored, "the terminated client's error event");
    assert_equals((error as { code?: string }).code, '57P01', `the client sees the server's admin_shutdown error (${describeError(error)})`);
    // The server closes the connection after its error: pg learns of it only through the socket's end.
    await within(ended, "the terminated client's end event (the socket's close reaching pg)");
    await rejectionWithin(victim.query('SELECT 1'), 'a query on the terminated client');
  }, 'pg reports a backend terminated by the server as an error and an end, not a hang');

  promise_test(async (t) => {
    // prisma/prisma-next#1029: a graceful end() over connect() never fired the socket's close, so the
    // pool's close() never returned. pg-cloudflare ends with socket.close() and reports the end when
    // closed settles; the client's end event and end()'s promise both wait for that.
    const client = await open(t, postgresOf(ctx));
    await within(client.query('SELECT 1'), 'SELECT 1');
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await within(client.end(), 'client.end()');
    await within(ended, "the client's end event");
  }, 'pg end() completes and the client emits its end event');
}
