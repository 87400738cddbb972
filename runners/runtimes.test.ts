// Every runtime adapter, on the real runtimes (no mocks): one small probe file through the whole
// runner (build, launch, result channel, records) in node, deno, bun and workerd. A runtime whose
// binary cannot be found fails here: CI must run all four.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFixtures, type Fixtures } from '../echo-server/index.ts';
import type { RunResults } from '../records/result.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { run } from './run.ts';
import { RuntimeUnavailable } from './runtime.ts';
import { allowedHosts } from './runtimes/deno.ts';
import { findNpmBinary } from './runtimes/npm-binary.ts';
import { capnpString, pemBlocks } from './runtimes/workerd.ts';

const RUNTIMES = ['node', 'deno', 'bun', 'workerd'];

let fixtures: Fixtures;
let outsider: net.Server;
let dir: string;
let files: TestFile[];

// The probe: the plumbing each adapter is responsible for (context in, results out, loopback
// reachable, fixture CA trusted, --impl in place), not the API's finer points.
const probeSource = (outsiderPort: number) => `
export const meta = {
  title: 'runtime adapter probe',
  anchors: ['#connect-section'],
  level: 'required',
  subtests: {
    'the context names the runtime': {},
    'echo over IPv4': {},
    'echo through localhost': {},
    'TLS with secureTransport on verifies against the fixture CA': {},
    'a loopback port outside the fixtures': {},
    'connect came from the --impl module': {},
  },
};

async function roundTrip(socket, text) {
  const writer = socket.writable.getWriter();
  await writer.write(new TextEncoder().encode(text));
  const reader = socket.readable.getReader();
  let got = '';
  while (got.length < text.length) {
    const { value, done } = await reader.read();
    if (done) break;
    got += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  writer.releaseLock();
  return got;
}

export default function ({ connect, fixtures, runtime }) {
  test(() => {
    assert_true(typeof runtime === 'string' && runtime.length > 0, 'runtime is set');
  }, 'the context names the runtime');
  promise_test(async (t) => {
    const socket = connect(fixtures.services.echo.ipv4);
    t.add_cleanup(() => socket.close().catch(() => {}));
    assert_equals(await roundTrip(socket, 'probe'), 'probe', 'the echo service returns what was sent');
  }, 'echo over IPv4');
  promise_test(async (t) => {
    const socket = connect('localhost:' + fixtures.services.echo.ipv4.port);
    t.add_cleanup(() => socket.close().catch(() => {}));
    assert_equals(await roundTrip(socket, 'by name'), 'by name', 'the echo service returns what was sent');
  }, 'echo through localhost');
  promise_test(async (t) => {
    const socket = connect(fixtures.services['tls-echo'].ipv4, { secureTransport: 'on' });
    t.add_cleanup(() => socket.close().catch(() => {}));
    assert_equals(await roundTrip(socket, 'secret'), 'secret', 'the TLS echo service returns what was sent');
  }, 'TLS with secureTransport on verifies against the fixture CA');
  promise_test(async (t) => {
    const socket = connect({ hostname: '127.0.0.1', port: ${outsiderPort} });
    t.add_cleanup(() => socket.close().catch(() => {}));
    assert_equals(await roundTrip(socket, 'x'), 'x', 'the outsider echoes');
  }, 'a loopback port outside the fixtures');
  test(() => {
    const socket = connect(fixtures.services.echo.ipv4);
    const marked = socket.probeImpl === true;
    socket.close().catch(() => {});
    assert_true(marked, 'the socket carries the --impl module\\'s mark');
  }, 'connect came from the --impl module');
}
`;

// An --impl module for workerd that wraps the native connect(), as a user's wrapper would.
const workerdImpl = `
import { connect as native } from 'cloudflare:sockets';
export function connect(address, options) {
  const socket = native(address, options);
  socket.probeImpl = true;
  return socket;
}
`;

const statuses = (results: RunResults, runtime: string) =>
  Object.fromEntries(results.results.filter((r) => r.runtime === runtime).map((r) => [r.test, r.status]));

before(async () => {
  fixtures = await startFixtures();
  outsider = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => outsider.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(path.join(os.tmpdir(), 'runtimes-test-'));
  await writeFile(path.join(dir, 'probe.any.ts'), probeSource((outsider.address() as net.AddressInfo).port));
  await writeFile(path.join(dir, 'workerd-impl.ts'), workerdImpl);
  files = await discoverTestFiles(dir);
});

after(async () => {
  await fixtures.stop();
  await new Promise((resolve) => outsider.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('each runtime runs a file through its adapter', () => {
  let results: RunResults;
  before(async () => {
    results = await run({ files, runtimes: RUNTIMES, fixtures: fixtures.addresses, timeoutMs: 8000 });
  });

  for (const runtime of RUNTIMES) {
    it(`${runtime}: the file completes and the plumbing works`, () => {
      const file = results.files.find((f) => f.runtime === runtime);
      assert.ok(file, `a file record for ${runtime}`);
      assert.equal(file.status, 'OK', `${runtime}: ${file.message ?? ''} ${file.outputTail ?? ''}`);
      const got = statuses(results, runtime);
      assert.equal(got['the context names the runtime'], 'PASS');
      assert.equal(got['echo over IPv4'], 'PASS');
      assert.equal(got['echo through localhost'], 'PASS');
      assert.equal(got['TLS with secureTransport on verifies against the fixture CA'], 'PASS');
      // Without --impl the default connect() runs, which carries no mark.
      assert.equal(got['connect came from the --impl module'], 'FAIL');
    });
  }

  it('deno reaches the fixtures and nothing else on loopback', () => {
    assert.equal(statuses(results, 'deno')['a loopback port outside the fixtures'], 'FAIL');
    const message = results.results.find((r) => r.runtime === 'deno' && r.test === 'a loopback port outside the fixtures')!.message!;
    assert.match(message, /NotCapable|net access/);
    for (const runtime of ['node', 'bun', 'workerd']) {
      assert.equal(statuses(results, runtime)['a loopback port outside the fixtures'], 'PASS', runtime);
    }
  });

  it('each runtime record carries its version and where its binary came from', () => {
    assert.deepEqual(results.runtimes.map((r) => r.id), RUNTIMES);
    for (const record of results.runtimes) {
      assert.ok(record.version, `${record.id} has a version`);
      assert.ok(record.source, `${record.id} has a source`);
    }
    const workerd = results.runtimes.find((r) => r.id === 'workerd')!;
    assert.match(workerd.version, /^\d{4}-\d{2}-\d{2}\b/, 'workerd is versioned by its compatibility date');
    assert.match(workerd.details?.npm ?? '', /^workerd@\d/, 'the npm version sits beside it');
  });
});

describe('--impl in workerd', () => {
  it('a wrapper around cloudflare:sockets is bundled in place of the native connect()', async () => {
    const results = await run({ files, runtimes: ['workerd'], fixtures: fixtures.addresses, impl: path.join(dir, 'workerd-impl.ts'), timeoutMs: 8000 });
    assert.equal(results.runtimes[0]!.id, 'workerd+workerd-impl');
    const got = statuses(results, 'workerd+workerd-impl');
    assert.equal(got['connect came from the --impl module'], 'PASS');
    assert.equal(got['echo over IPv4'], 'PASS');
  });
});

describe('adapter helpers', () => {
  it('a missing binary is RuntimeUnavailable in one line naming the npm package', async () => {
    await assert.rejects(
      findNpmBinary('nothere', 'no-such-runtime-package', [{ npmPackage: 'no-such-runtime-package', file: 'bin/nothere' }]),
      (error: Error) => error instanceof RuntimeUnavailable && /"no-such-runtime-package" npm package/.test(error.message) && !error.message.includes('\n'),
    );
  });

  it('a candidate that cannot run (a placeholder left by a skipped postinstall) gives way to the next', async () => {
    // With bun's postinstall denied (package.json allowScripts), bin/bun.exe is itself a placeholder
    // and the platform package holds the binary; where the script ran, bin/bun.exe is the binary.
    const platform = `@oven/bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : process.arch}`;
    const found = await findNpmBinary('bun', 'bun', [{ npmPackage: 'bun', file: 'bin/README.txt' }, { npmPackage: 'bun', file: 'bin/bun.exe' }, { npmPackage: platform, file: 'bin/bun' }]);
    assert.match(found.binary, /bun(\.exe)?$/);
    assert.match(found.versionOutput, /^\d+\.\d+\.\d+/);
  });

  it('deno is allowed every fixture endpoint by address and by localhost, and nothing more', () => {
    const hosts = allowedHosts({ services: { echo: { ipv4: { hostname: '127.0.0.1', port: 1 }, ipv6: { hostname: '::1', port: 1 } } }, other: [{ hostname: '127.0.0.1', port: 2 }] });
    assert.deepEqual(hosts, ['127.0.0.1:1', '127.0.0.1:2', '[::1]:1', 'localhost:1', 'localhost:2']);
  });

  it('workerd config literals escape what Cap\'n Proto needs escaped, one certificate per entry', () => {
    assert.equal(capnpString('a"b\\c\nd\x01'), '"a\\"b\\\\c\\nd\\x01"');
    const pem = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n';
    assert.deepEqual(pemBlocks(pem + pem), [pem, pem]);
  });
});
