// Lints the spec test files' metadata against the catalogue, without running a subtest: ids and
// anchors exist, levels agree with the entries covered, each file registers exactly the subtests
// its meta lists, and the sections of the first half of the suite leave no catalogue entry uncovered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverTestFiles, type TestFile } from '../runners/discover.ts';
import { SERVICE_NAMES, type FixtureAddresses, type ServiceEndpoints, type ServiceName } from '../records/fixtures.ts';
import { SPEC_ANCHORS, requirementById, requirements } from './requirements.ts';
import type { TestContext } from './lib/test-file.ts';

const files: TestFile[] = await discoverTestFiles();

/** Catalogue prefixes whose tests live in connect/, socket-options/, socket-info/, socket-address/ and socket-error/. */
const FIRST_HALF = ['connect.', 'options.', 'info.', 'address.', 'socketerror.'];

test('every id a subtest covers is in the catalogue', () => {
  for (const f of files) {
    for (const s of f.subtests) {
      for (const id of s.requirements) assert.ok(requirementById(id), `tests/${f.file} "${s.name}" covers unknown id ${id}`);
    }
  }
});

test('every anchor a file or subtest names is a heading of the draft', () => {
  for (const f of files) {
    for (const anchor of f.meta.anchors) assert.ok(SPEC_ANCHORS.includes(anchor), `tests/${f.file}: unknown anchor ${anchor}`);
    for (const s of f.subtests) {
      for (const anchor of s.anchors) assert.ok(SPEC_ANCHORS.includes(anchor), `tests/${f.file} "${s.name}": unknown anchor ${anchor}`);
    }
  }
});

test('each subtest judges exactly as hard as the strictest catalogue entry it covers', () => {
  const rank = { informational: 0, tentative: 0, optional: 1, required: 2 } as const;
  for (const f of files) {
    for (const s of f.subtests) {
      if (s.requirements.length === 0) continue;
      // Open proposals are kept apart from the draft: a tentative subtest covers tentative entries only.
      const tentative = s.requirements.map((id) => requirementById(id)?.level === 'tentative');
      assert.ok(tentative.every((x) => x === (s.level === 'tentative')), `tests/${f.file} "${s.name}" mixes tentative and draft entries, or its level does not say tentative`);
      if (s.level === 'tentative') continue;
      const strictest = Math.max(...s.requirements.map((id) => rank[requirementById(id)?.level ?? 'informational']));
      assert.ok(rank[s.level] <= strictest, `tests/${f.file} "${s.name}" is ${s.level} but covers nothing stricter than level ${strictest}`);
      // Nor softer: the draft's words set the level, so a subtest of a required entry is judged as such.
      assert.ok(rank[s.level] >= strictest, `tests/${f.file} "${s.name}" is ${s.level} but covers an entry of level ${strictest}`);
      if (strictest === 0) assert.equal(s.level, 'informational', `tests/${f.file} "${s.name}" covers only informational entries`);
    }
  }
});

test('the first half of the catalogue (connect, options, info, address, SocketError) is fully covered', () => {
  const covered = new Set(files.flatMap((f) => f.subtests.flatMap((s) => s.requirements)));
  const missing = requirements.filter((r) => FIRST_HALF.some((p) => r.id.startsWith(p)) && !covered.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, [], 'catalogue entries with no subtest');
});

/** An address map with every service, for registering subtests without a fixture server. */
function fakeFixtures(): FixtureAddresses {
  const services = {} as Record<ServiceName, ServiceEndpoints>;
  SERVICE_NAMES.forEach((name, i) => {
    services[name] = { ipv4: { hostname: '127.0.0.1', port: 40000 + i }, ipv6: { hostname: '::1', port: 40000 + i } };
  });
  return {
    version: 1, services, caCertificate: '', certificateNames: ['localhost'], alpnProtocols: ['fixture/1', 'http/1.1'],
  };
}

test('each file registers exactly the subtests its meta lists', async () => {
  const g = globalThis as Record<string, unknown>;
  for (const f of files) {
    const registered: string[] = [];
    g.promise_test = (_fn: unknown, name: string) => { registered.push(name); };
    g.test = g.promise_test;
    const mod = (await import(f.absolutePath)) as { default: (ctx: TestContext) => void };
    const connect = () => { throw new Error('registration must not connect'); };
    mod.default({ connect, fixtures: fakeFixtures(), runtime: 'lint', unhandledRejections: [] } as unknown as TestContext);
    assert.deepEqual([...registered].sort(), f.subtests.map((s) => s.name).sort(), `tests/${f.file}: registered vs meta`);
    assert.equal(new Set(registered).size, registered.length, `tests/${f.file}: a subtest name is registered twice`);
  }
});
