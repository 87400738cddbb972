// The browser-compat-data export, checked against the types @mdn/browser-compat-data ships
// (types.d.ts): at compile time (npm test runs tsc: the statements are built from, and assigned to,
// BCD's own types), and at run time, field by field, on the JSON as written.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { CompatStatement, SimpleSupportStatement, SupportStatement } from '@mdn/browser-compat-data/types';
import { buildHistory } from '../records/history.ts';
import type { Level, RunResults } from '../records/result.ts';
import { requirements } from '../tests/requirements.ts';
import { bcdExport, type RuntimeCompatStatement, type RuntimeIdentifier } from './bcd.ts';

const results = JSON.parse(await readFile(new URL('./testdata/results.json', import.meta.url), 'utf8')) as RunResults;

// The fields types.d.ts gives SimpleSupportStatement and CompatStatement, with their value checks.
const SIMPLE_FIELDS: Record<keyof SimpleSupportStatement, (v: unknown) => boolean> = {
  version_added: (v) => v === false || (typeof v === 'string' && /^(≤?\d+(\.\d+)*|preview)$/.test(v)),
  version_removed: (v) => typeof v === 'string',
  version_last: (v) => typeof v === 'string',
  prefix: (v) => typeof v === 'string',
  alternative_name: (v) => typeof v === 'string',
  flags: (v) => Array.isArray(v) && v.length >= 1,
  impl_url: (v) => typeof v === 'string' || (Array.isArray(v) && v.length >= 2),
  partial_implementation: (v) => v === true,
  notes: (v) => (typeof v === 'string' && v.length > 0) || (Array.isArray(v) && v.length >= 2 && v.every((n) => typeof n === 'string')),
};
const COMPAT_FIELDS: Record<keyof CompatStatement, (v: unknown) => boolean> = {
  description: (v) => typeof v === 'string',
  mdn_url: (v) => typeof v === 'string',
  spec_url: (v) => typeof v === 'string' || (Array.isArray(v) && v.length >= 2),
  tags: (v) => Array.isArray(v) && v.length >= 1,
  source_file: (v) => typeof v === 'string' && v.length > 0,
  support: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  status: (v) => typeof v === 'object' && v !== null && ['experimental', 'standard_track', 'deprecated'].every((k) => typeof (v as Record<string, unknown>)[k] === 'boolean'),
};

function checkSimple(s: unknown, where: string): void {
  assert.ok(s && typeof s === 'object' && !Array.isArray(s), `${where}: a simple support statement is an object`);
  assert.ok('version_added' in s, `${where}: version_added is required`);
  for (const [k, v] of Object.entries(s)) {
    const check = SIMPLE_FIELDS[k as keyof SimpleSupportStatement];
    assert.ok(check, `${where}: ${k} is not a field of SimpleSupportStatement`);
    assert.ok(check(v), `${where}: ${k} = ${JSON.stringify(v)} does not fit SimpleSupportStatement`);
  }
}

function checkIdentifier(node: RuntimeIdentifier, where: string, seen: { statements: number }): void {
  for (const [name, child] of Object.entries(node)) {
    if (name !== '__compat') {
      assert.match(name, /^[A-Za-z0-9_]+$/, `${where}.${name}: identifier names are plain`);
      checkIdentifier(child as RuntimeIdentifier, `${where}.${name}`, seen);
      continue;
    }
    const compat = child as unknown as Record<string, unknown>;
    for (const k of ['source_file', 'support']) assert.ok(k in compat, `${where}.__compat: ${k} is required`);
    for (const [k, v] of Object.entries(compat)) {
      const check = COMPAT_FIELDS[k as keyof CompatStatement];
      assert.ok(check, `${where}.__compat: ${k} is not a field of CompatStatement`);
      assert.ok(check(v), `${where}.__compat: ${k} does not fit CompatStatement`);
    }
    for (const [runtime, statement] of Object.entries(compat.support as Record<string, unknown>)) {
      if (Array.isArray(statement)) {
        assert.ok(statement.length >= 2, `${where} ${runtime}: an array statement has at least two entries`);
        statement.forEach((s, i) => checkSimple(s, `${where} ${runtime}[${i}]`));
      } else checkSimple(statement, `${where} ${runtime}`);
      seen.statements++;
    }
  }
}

describe('export in the browser-compat-data shape', () => {
  it('every identifier and statement fits the types @mdn/browser-compat-data ships', () => {
    const data = JSON.parse(JSON.stringify(bcdExport(results, { requirements }))) as { sockets: RuntimeIdentifier };
    const seen = { statements: 0 };
    checkIdentifier(data.sockets, 'sockets', seen);
    assert.ok(seen.statements >= 4, `the export has support statements (${seen.statements})`);
  });

  it('is keyed by runtime, one section per anchor with a sub-feature per catalogue entry', () => {
    const data = bcdExport(results, { requirements });
    const section = data.sockets.connect_section!;
    assert.ok(section.__compat, 'the section has its own statement');
    const entry = section.returns_socket_synchronously!.__compat!;
    assert.deepEqual(Object.keys(entry.support).sort(), ['node', 'workerd']);
    assert.deepEqual(entry.support.node, { version_added: '≤20.20.2' });
    // For the runtimes BCD itself knows, a statement is a BCD CompatStatement once the key is BCD's
    // (node is `nodejs` there): the compiler checks this assignment against types.d.ts.
    const asBcd: CompatStatement = { ...entry, support: { nodejs: entry.support.node! } };
    assert.equal(asBcd.support.nodejs, entry.support.node);
  });

  it('takes version_added from a history: the version from which an entry passes in every later one', () => {
    const id = 'connect.returns-socket-synchronously';
    const at = (version: string, status: 'PASS' | 'FAIL'): RunResults => ({
      ...results,
      runtimes: [{ id: `workerd@${version}`, name: 'workerd', version, impl: null }],
      results: results.results.filter((r) => r.runtime === 'workerd' && r.requirements?.includes(id)).map((r) => ({ ...r, runtime: `workerd@${version}`, status })),
    });
    const levels = new Map<string, Level>(requirements.map((r) => [r.id, r.level]));
    const history = buildHistory('workerd', [
      { version: { version: '1.20250101.0', id: 'workerd@1.20250101.0', runtimeVersion: '2025-01-01' }, results: at('1.20250101.0', 'FAIL') },
      { version: { version: '1.20250301.0', id: 'workerd@1.20250301.0', runtimeVersion: '2025-03-01' }, results: at('1.20250301.0', 'PASS') },
    ], levels);
    const entry = bcdExport(results, { requirements }, { histories: [history] }).sockets.connect_section!.returns_socket_synchronously!.__compat!;
    assert.deepEqual(entry.support.workerd, { version_added: '1.20250301.0' });
    const support: SupportStatement = entry.support.workerd!;
    assert.ok(support);
  });

  it('a partly passing entry is a partial implementation with a note naming what fails', () => {
    const data = bcdExport(results, { requirements });
    const statements: RuntimeCompatStatement[] = [];
    const walk = (n: RuntimeIdentifier) => Object.entries(n).forEach(([k, v]) => (k === '__compat' ? statements.push(v as RuntimeCompatStatement) : walk(v as RuntimeIdentifier)));
    walk(data.sockets);
    const partial = statements.flatMap((s) => Object.values(s.support)).filter((s) => !Array.isArray(s) && s.partial_implementation) as SimpleSupportStatement[];
    const missing = statements.flatMap((s) => Object.values(s.support)).filter((s) => !Array.isArray(s) && s.version_added === false) as SimpleSupportStatement[];
    assert.ok(partial.length + missing.length > 0, 'the test data has entries that do not fully pass');
    for (const s of [...partial, ...missing]) assert.match(String(s.notes), /not passing|no subtest passes/);
  });
});
