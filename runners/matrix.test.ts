// The whole spec suite once on each of the four runtimes (real binaries, no mocks): every file ×
// runtime has records, and nothing the suite itself does makes a file ERROR or CRASH. A file may
// TIMEOUT only where a runtime's own connect() hangs (listed below with the cause), and a runtime
// that cannot start here fails this test: CI must run all four.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startFixtures } from '../echo-server/index.ts';
import { discoverTestFiles } from './discover.ts';
import { run } from './run.ts';

const RUNTIMES = ['node', 'deno', 'bun', 'workerd'];

// Known hangs of the implementations under test, not of the suite.
const KNOWN_TIMEOUTS: Record<string, RegExp> = {
  // @arrowood.dev/socket's startTls() never settles over Deno's node:tls compatibility.
  deno: /^starttls\//,
};

it('the spec suite runs on node, deno, bun and workerd with a record for every file × runtime', { timeout: 240_000 }, async () => {
  const files = (await discoverTestFiles()).filter((f) => (f.meta.tier ?? 'spec') === 'spec');
  const fixtures = await startFixtures();
  try {
    const results = await run({ files, runtimes: RUNTIMES, fixtures: fixtures.addresses });
    assert.deepEqual(results.runtimes.map((r) => r.id), RUNTIMES);
    for (const runtime of RUNTIMES) {
      const ran = results.files.filter((f) => f.runtime === runtime);
      assert.deepEqual(ran.map((f) => f.file).sort(), files.map((f) => f.file).sort(), `${runtime}: every file ran`);
      for (const f of ran) {
        const allowed = f.status === 'OK' || (f.status === 'TIMEOUT' && KNOWN_TIMEOUTS[runtime]?.test(f.file));
        assert.ok(allowed, `${runtime} ${f.file}: ${f.status} ${f.message ?? ''} ${f.outputTail ?? ''}`);
      }
      const subtests = results.results.filter((r) => r.runtime === runtime);
      const declared = files.reduce((n, f) => n + f.subtests.length, 0);
      assert.equal(subtests.length, declared, `${runtime}: a record for every declared subtest`);
      const counts: Record<string, number> = {};
      for (const r of subtests) counts[r.status] = (counts[r.status] ?? 0) + 1;
      console.log(`${runtime}: ${JSON.stringify(counts)}`);
    }
  } finally {
    await fixtures.stop();
  }
});
