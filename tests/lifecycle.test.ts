// Lints the second half of the spec tests (socket/, readable/, writable/, opened/, closed/, close/,
// starttls/) without running a subtest: every catalogue entry of their sections has a subtest, and
// each of their files registers its subtests in the order its meta lists them. The order matters because the
// runner, after a file timeout, calls the first unreported subtest in meta order the one that hung
// (runners/run.ts, toRecords).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverTestFiles } from '../runners/discover.ts';
import { SERVICE_NAMES, type FixtureAddresses, type ServiceEndpoints, type ServiceName } from '../records/fixtures.ts';
import { requirements } from './requirements.ts';
import type { TestContext } from './lib/test-file.ts';

const SECOND_HALF_ANCHORS = [
  '#socket-class', '#readable-attribute', '#writable-attribute', '#opened-attribute', '#closed-attribute',
  '#close-method', '#starttls-method',
];

const SECOND_HALF_FOLDERS = ['socket/', 'readable/', 'writable/', 'opened/', 'closed/', 'close/', 'starttls/'];

const files = await discoverTestFiles();
const secondHalfFiles = files.filter((f) => SECOND_HALF_FOLDERS.some((folder) => f.file.startsWith(folder)));

test('every catalogue entry of the socket, attribute and method sections has a subtest', () => {
  const covered = new Set(files.flatMap((f) => f.subtests.flatMap((s) => s.requirements)));
  const missing = requirements.filter((r) => SECOND_HALF_ANCHORS.includes(r.anchor) && !covered.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, [], 'catalogue entries with no subtest');
});

test('every required entry of those sections is covered by a required subtest', () => {
  const requiredCovered = new Set(files.flatMap((f) => f.subtests.filter((s) => s.level === 'required').flatMap((s) => s.requirements)));
  const missing = requirements
    .filter((r) => SECOND_HALF_ANCHORS.includes(r.anchor) && r.level === 'required' && !requiredCovered.has(r.id))
    .map((r) => r.id);
  assert.deepEqual(missing, [], 'required entries checked only by weaker subtests');
});

function placeholderFixtures(): FixtureAddresses {
  const services = {} as Record<ServiceName, ServiceEndpoints>;
  for (const [i, name] of SERVICE_NAMES.entries()) {
    services[name] = { ipv4: { hostname: '127.0.0.1', port: 1 + i }, ipv6: { hostname: '::1', port: 1 + i } };
  }
  return { version: 1, services, caCertificate: '', certificateNames: [], alpnProtocols: [] };
}

test('each file of those sections registers its subtests in the order its meta lists them', async () => {
  const g = globalThis as Record<string, unknown>;
  const saved = { promise_test: g.promise_test, test: g.test };
  try {
    assert.ok(secondHalfFiles.length >= SECOND_HALF_FOLDERS.length, 'the second-half test files are found');
    for (const f of secondHalfFiles) {
      const registered: string[] = [];
      g.promise_test = (_fn: unknown, name: string) => { registered.push(name); };
      g.test = g.promise_test;
      const mod = (await import(f.absolutePath)) as { default: (ctx: TestContext) => void };
      const connect = () => { throw new Error('registering subtests must not connect'); };
      mod.default({ connect, fixtures: placeholderFixtures(), runtime: 'lint', unhandledRejections: [] } as unknown as TestContext);
      assert.deepEqual(registered, f.subtests.map((s) => s.name), `tests/${f.file}: registration order vs meta order`);
    }
  } finally {
    g.promise_test = saved.promise_test;
    g.test = saved.test;
  }
});
