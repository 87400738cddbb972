// miniflare through its adapter (the Miniflare API, its own workerd): as it comes, plain TCP reaches
// the loopback fixtures and TLS to the fixture CA fails; with NODE_EXTRA_CA_CERTS naming that CA
// (miniflare-ca) every subtest has workerd's status. Each column says its outbound configuration.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles } from './discover.ts';
import { run } from './run.ts';

const FILE = 'opened/opened.any.ts';
const TLS_SUBTEST = 'opened of a TLS socket resolves, and the server has completed the handshake on that connection';

let fixtures: Fixtures;
let results: RunResults;
const statuses = (runtime: string) => Object.fromEntries(results.results.filter((r) => r.runtime === runtime).map((r) => [r.test, r.status]));

before(async () => {
  fixtures = await startFixtures();
  const files = (await discoverTestFiles()).filter((f) => f.file === FILE);
  results = await run({ files, runtimes: ['workerd', 'miniflare', 'miniflare-ca'], fixtures: fixtures.addresses, jobs: 3 });
});
after(() => fixtures.stop());

describe('miniflare', () => {
  it('names its own version, the workerd inside it, and its outbound configuration', () => {
    for (const id of ['miniflare', 'miniflare-ca']) {
      const record = results.runtimes.find((r) => r.id === id)!;
      assert.match(record.version, /^\d+\.\d+\.\d+ \(workerd \d+\.\d+\.\d+, \d{4}-\d{2}-\d{2}/, id);
      assert.match(record.details?.outbound ?? '', /default outbound/, id);
      assert.equal(results.files.find((f) => f.runtime === id)?.status, 'OK', id);
    }
    assert.match(results.runtimes.find((r) => r.id === 'miniflare-ca')!.details!.outbound!, /NODE_EXTRA_CA_CERTS/);
  });

  it('as it comes: TCP reaches loopback, TLS to a local CA fails', () => {
    const got = statuses('miniflare');
    assert.equal(got['opened resolves with a SocketInfo object when the server accepts'], 'PASS');
    assert.equal(got[TLS_SUBTEST], 'FAIL');
    const message = results.results.find((r) => r.runtime === 'miniflare' && r.test === TLS_SUBTEST)!.message ?? '';
    assert.match(message, /rejected with/, 'opened itself rejected: the handshake did not happen');
  });

  it('with the fixture CA trusted: the same status as workerd for every subtest', () => {
    assert.deepEqual(statuses('miniflare-ca'), statuses('workerd'));
  });
});
