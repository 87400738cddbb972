// The performance tier end to end on node (`perf --quick`): every figure the polyfill can produce is
// in results.json, positive and finite, beside a baseline; what it cannot produce says why. Speed
// itself is never asserted: figures are informational.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunResults } from '../records/result.ts';
import { FIGURES, percentile, summarise } from '../tests/perf/figures.ts';
import { startFixtures } from '../echo-server/index.ts';
import { fromRoot } from './paths.ts';
import { perfFiles } from './perf.ts';
import { run } from './run.ts';
import type { RuntimeAdapter } from './runtime.ts';
import { node } from './runtimes/node.ts';

const positiveFinite = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

test('perf --quick on node: each figure present, positive and finite, beside the node:net baseline', { timeout: 60_000 }, async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'perf-test-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), 'perf', '--runtime', 'node', '--quick', '--out', out], {
      cwd: fromRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, output);

    const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as RunResults;
    const perf = results.perf ?? [];
    // The polyfill has everything but opened.
    const expected = [FIGURES.throughput, FIGURES.roundTripP50, FIGURES.roundTripP99, FIGURES.connectEcho, FIGURES.tlsHandshake, FIGURES.startTls];
    for (const spec of expected) {
      const record = perf.find((p) => p.runtime === 'node' && p.metric === spec.metric);
      assert.ok(record, `no figure "${spec.metric}"; got ${perf.map((p) => p.metric).join(' | ')}\n${output}`);
      assert.equal(record.unit, spec.unit);
      assert.equal(record.better, spec.better);
      assert.ok(positiveFinite(record.value), `${spec.metric}: value ${record.value}`);
      assert.ok(positiveFinite(record.baseline), `${spec.metric}: baseline ${record.baseline}`);
      assert.ok(positiveFinite(record.ratio), `${spec.metric}: ratio ${record.ratio}`);
    }
    assert.ok(!perf.some((p) => p.metric === FIGURES.connectOpened.metric), 'no opened figure for a connect() without opened');
    const opened = results.results.find((r) => r.test === 'connection set-up: connect, opened, close');
    assert.equal(opened?.status, 'PRECONDITION_FAILED');
    assert.match(opened?.message ?? '', /no opened/);
    assert.ok(results.results.every((r) => r.tier === 'perf' && r.level === 'informational'));
    assert.match(output, /echo throughput, one connection\s+MiB\/s\s+\d/, 'the terminal table lists the figures');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('percentiles are nearest-rank', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.equal(percentile(samples, 50), 50);
  assert.equal(percentile(samples, 99), 99);
  assert.equal(percentile([7], 99), 7);
});

test('a clock too coarse for single steps gives the mean instead of percentiles', () => {
  const fine = summarise([0.03, 0.05, 0.04], 0.000_1);
  assert.equal(fine.p50, 0.04);
  assert.equal(fine.coarseClock, undefined);
  // Whole milliseconds, as workerd's clock shows them: 0 or 1 for a 0.3 ms step.
  const coarse = summarise([0, 1, 0, 0, 1, 0, 0, 1, 0, 0], 1);
  assert.equal(coarse.p50, null);
  assert.equal(coarse.mean, 0.3);
  assert.match(coarse.coarseClock ?? '', /whole milliseconds/);
  assert.match(summarise([0.5, 1], 0.5).coarseClock ?? '', /steps of 0.5 ms/);
  assert.match(summarise([2, 3], Infinity).coarseClock ?? '', /only on I\/O/);
});

// Stands in for a runtime: sends a good figure, two it must not be trusted with, and a result.
const FAKE_RUNTIME = `
const context = JSON.parse(process.argv[1]);
const send = (m) => process.stdout.write('@@sockets-conformance:' + context.nonce + ' ' + JSON.stringify(m) + '\\n');
send({ type: 'start', file: 'perf/stream.perf.ts' });
send({ type: 'figure', metric: 'm1', unit: 'MiB/s', value: 12.5, details: { better: 'higher', samples: 3, note: 'n', runtime: 'forged', extra: 1 } });
send({ type: 'figure', metric: 'm2', unit: 'MiB/s', value: 'fast', details: { better: 'higher' } });
send({ type: 'figure', metric: 'm3', unit: 'ms', value: 1, details: { better: 'sideways' } });
send({ type: 'result', test: 'echo throughput', status: 'PASS', message: null, durationMs: 1 });
send({ type: 'complete', status: 'OK', message: null });
`;

test('figures on the result channel become perf records, keeping only the fields a PerfRecord has', { timeout: 30_000 }, async () => {
  const fake: RuntimeAdapter = { ...node, launchWarm: undefined, id: 'fake-figures', launch: ({ context }) => ({ argv: [process.execPath, '-e', FAKE_RUNTIME, JSON.stringify(context)] }) };
  const fixtures = await startFixtures({ ipv6: false });
  try {
    const files = (await perfFiles()).filter((f) => f.file === 'perf/stream.perf.ts');
    const results = await run({ files, runtimes: [fake], fixtures: fixtures.addresses });
    assert.equal(results.files[0]!.status, 'OK', results.files[0]!.outputTail);
    assert.deepEqual(results.perf, [
      { runtime: 'fake-figures', metric: 'm1', unit: 'MiB/s', value: 12.5, better: 'higher', samples: 3, note: 'n' },
      { runtime: 'fake-figures', metric: 'm3', unit: 'ms', value: 1 },
    ]);
  } finally {
    await fixtures.stop();
  }
});
