// The `postgres` driver (postgres.js) through its Workers build, which opens its sockets with
// connect() from cloudflare:sockets, against the same PostgreSQL server as pg.any.ts: a subset of
// the same scenarios.
import type postgres from 'postgres';
import type { PostgresFixture } from '../../records/fixtures.ts';
import type { FileMeta, TestContext } from '../lib/test-file.ts';
import { cleanupWithin, describeError, postgresOf, rejectionWithin, within } from './support.ts';

export const meta: FileMeta = {
  title: 'postgres (postgres.js) over connect() through its Workers build, against a real PostgreSQL server',
  anchors: ['#connect-section', '#readable-attribute', '#writable-attribute'],
  level: 'optional',
  tier: 'interop',
  timeoutMs: 60_000,
  subtests: {
    'postgres connects over connect() and runs SELECT 1': {},
    'postgres runs a parameterised query whose 5 MiB result arrives exactly': {
      anchors: ['#readable-attribute', '#writable-attribute'],
    },
    'postgres commits sql.begin() and rolls it back when the callback throws': {},
    'postgres upgrades with startTls() (ssl: require), and the server reports the session encrypted': {
      anchors: ['#starttls-method', '#socketoptions-dictionary'],
    },
  },
};

const LARGE_ROWS = 5 * 1024;
const LARGE_WIDTH = 1024;

// Loaded when a subtest runs, not when the runner reads `meta` on the host (which would load the
// driver's Node build there for nothing).
const loadPostgres = () => import('postgres').then((m) => m.default);

async function open(t: TestharnessTest, db: PostgresFixture, ssl: false | 'require' = false): Promise<postgres.Sql> {
  const sql = (await loadPostgres())({
    host: db.hostname,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    ssl,
    max: 1,
    // The driver's own timers would outlive a stuck subtest; the bounded waits below judge instead.
    connect_timeout: 30,
    onnotice: () => {},
  });
  cleanupWithin(t, () => sql.end({ timeout: 1 }));
  return sql;
}

export default function (ctx: TestContext): void {
  promise_test(async (t) => {
    const sql = await open(t, postgresOf(ctx));
    const rows = await within(sql`SELECT 1 AS one`.then((r) => [...r]), 'SELECT 1');
    assert_equals(rows.length, 1, 'one row');
    assert_equals(rows[0]!.one, 1, 'SELECT 1 returns 1');
  }, 'postgres connects over connect() and runs SELECT 1');

  promise_test(async (t) => {
    const sql = await open(t, postgresOf(ctx));
    const rows = await within(
      sql`SELECT i, repeat(chr(65 + i % 26), ${LARGE_WIDTH}::int) AS s FROM generate_series(1, ${LARGE_ROWS}::int) AS i ORDER BY i`.then((r) => [...r]),
      'the large query',
      30_000,
    );
    assert_equals(rows.length, LARGE_ROWS, 'every row arrives');
    for (const [index, row] of rows.entries()) {
      const i = index + 1;
      const expected = String.fromCharCode(65 + (i % 26)).repeat(LARGE_WIDTH);
      if (row.i !== i || row.s !== expected) {
        assert_unreached(`row ${i} differs: got i=${row.i}, s of ${String(row.s).length} characters starting ${JSON.stringify(String(row.s).slice(0, 8))}`);
      }
    }
  }, 'postgres runs a parameterised query whose 5 MiB result arrives exactly');

  promise_test(async (t) => {
    const sql = await open(t, postgresOf(ctx));
    // One connection (max: 1), so the temporary table is visible to every statement below.
    await within(sql`CREATE TEMP TABLE ledger (v int)`.then(() => undefined), 'CREATE TEMP TABLE');
    await within(sql.begin(async (tx) => { await tx`INSERT INTO ledger VALUES (${2})`; }), 'a committed sql.begin()');
    const failure = await rejectionWithin(
      sql.begin(async (tx) => {
        await tx`INSERT INTO ledger VALUES (${1})`;
        await tx`SELECT 1 / 0`;
      }),
      'a sql.begin() whose statement fails',
    );
    assert_equals((failure as { code?: string }).code, '22012', `the server's division_by_zero error reaches the client (${describeError(failure)})`);
    const rows = await within(sql`SELECT v FROM ledger ORDER BY v`.then((r) => r.map((row) => row.v as number)), 'SELECT v');
    assert_array_equals(rows, [2], 'only the committed row remains');
  }, 'postgres commits sql.begin() and rolls it back when the callback throws');

  promise_test(async (t) => {
    const sql = await open(t, postgresOf(ctx), 'require');
    const rows = await within(sql`SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`.then((r) => [...r]), 'the pg_stat_ssl query');
    assert_equals(rows.length, 1, 'pg_stat_ssl has a row for this backend');
    assert_true(rows[0]!.ssl, 'the server reports this session as encrypted');
    assert_true(/^TLSv1\.[23]$/.test(rows[0]!.version), `a current TLS version (got ${rows[0]!.version})`);
  }, 'postgres upgrades with startTls() (ssl: require), and the server reports the session encrypted');
}
