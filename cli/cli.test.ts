// Bad input gets one clear line on stderr and exit code 2: never a stack trace, never a hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromRoot } from '../runners/paths.ts';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_JOBS, DEFAULT_PROCESS_MODEL } from '../runners/run.ts';
import { DRAFT } from '../records/draft.ts';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sc-cli-'));
});
after(() => rm(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('cli/main.ts'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertOneLine(result: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(result.code, 2, `exit code 2 (stderr: ${result.stderr})`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('bad input', () => {
  it('a --source-url template that names no file', async () => {
    assertOneLine(await cli(['report', '--from', tmp, '--source-url', 'https://example.invalid/blob/main/']), /--source-url .*needs \{path\}/);
  });

  it('an unknown runtime lists the known ones', async () => {
    assertOneLine(await cli(['run', '--runtime', 'quickjs']), /unknown runtime "quickjs"; known runtimes: node/);
  });

  it('an --impl path that does not exist', async () => {
    assertOneLine(await cli(['run', '--runtime', 'node', '--impl', path.join(tmp, 'missing.ts')]), /--impl .*missing\.ts: no such file/);
  });

  it('an --impl module that exports no connect', async () => {
    assertOneLine(await cli(['run', '--runtime', 'node', '--impl', fromRoot('runners/testdata/impl-no-connect.ts')]), /--impl .*impl-no-connect\.ts: .*connect/);
  });

  it('an --impl module that does not parse', async () => {
    const broken = path.join(tmp, 'syntax.ts');
    await writeFile(broken, 'export function connect( {\n');
    assertOneLine(await cli(['run', '--runtime', 'node', '--impl', broken]), /--impl .*syntax\.ts: /);
  });

  it('a filter that selects nothing', async () => {
    assertOneLine(await cli(['run', '--filter', 'no-such-section']), /--filter "no-such-section" selects no test file/);
  });

  it('an output folder that cannot be written', async () => {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    assertOneLine(await cli(['run', '--runtime', 'node', '--out', path.join(file, 'sub')]), /--out .*: cannot be written/);
  });

  it('a read-only output folder', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, async () => {
    const dir = path.join(tmp, 'ro');
    await writeFile(dir, '');
    await chmod(dir, 0o444);
    assertOneLine(await cli(['run', '--out', dir]), /cannot be written/);
  });

  // Node 20's recursive mkdir never returns under /proc: the CLI must answer (the helper kills a child
  // that does not, and a killed child has no exit code 2).
  it('an --out under /proc, for every command that writes', async () => {
    assertOneLine(await cli(['run', '--runtime', 'node', '--out', '/proc/no-such-dir']), /--out \/proc\/no-such-dir: cannot be written \(ENOENT/);
    assertOneLine(await cli(['run', '--out', '/proc/no-such-dir/deeper/still']), /--out \/proc\/no-such-dir\/deeper\/still: cannot be written/);
    assertOneLine(await cli(['run', '--out', '/proc']), /--out \/proc: cannot be written/);
    assertOneLine(await cli(['perf', '--out', '/proc/no-such-dir']), /--out \/proc\/no-such-dir: cannot be written/);
    assertOneLine(await cli(['report', '--from', fromRoot('reporters/testdata'), '--out', '/proc/no-such-dir']), /--out \/proc\/no-such-dir: cannot be written/);
    assertOneLine(await cli(['merge', fromRoot('reporters/testdata'), '--out', '/proc/no-such-dir']), /--out \/proc\/no-such-dir: cannot be written/);
  });

  it('an --out that is a file, or has a file on its way', async () => {
    const file = path.join(tmp, 'plain-file');
    await writeFile(file, '');
    assertOneLine(await cli(['run', '--out', file]), /--out .*plain-file: cannot be written \(it is a file, not a folder\)/);
    assertOneLine(await cli(['run', '--out', path.join(file, 'a', 'b')]), /cannot be written \(a file is in the way: .*plain-file\)/);
    assertOneLine(await cli(['report', '--from', fromRoot('reporters/testdata'), '--out', file]), /it is a file, not a folder/);
  });

  it('a malformed number', async () => {
    assertOneLine(await cli(['run', '--timeout', 'soon']), /--timeout takes a positive number, not "soon"/);
  });

  it('a malformed shard', async () => {
    assertOneLine(await cli(['run', '--shard', '5/4']), /--shard takes i\/n/);
  });

  it('an unknown command or option', async () => {
    assertOneLine(await cli(['frobnicate']), /unknown command 'frobnicate'/);
    assertOneLine(await cli(['run', '--colour']), /unknown option '--colour'/);
  });

  it('an unknown process model', async () => {
    assertOneLine(await cli(['run', '--process-model', 'lukewarm']), /'lukewarm' is invalid\. Allowed choices are per-file, warm/);
  });

  it('a fixture port that is already in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      assertOneLine(await cli(['serve-fixtures', '--base-port', String(port)]), new RegExp(`${port}.*in use`));
    } finally {
      blocker.close();
    }
  });

  it('merge of a folder without results', async () => {
    assertOneLine(await cli(['merge', tmp, '--out', path.join(tmp, 'merged')]), /cannot be read/);
  });
});

describe('--version and help', () => {
  it('--version prints the suite version and the draft commit it targets', async () => {
    const result = await cli(['--version']);
    assert.equal(result.code, 0);
    const pkg = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')) as { version: string };
    assert.match(result.stdout.trim(), new RegExp(`^sockets-conformance ${pkg.version.replace(/\./g, '\\.')}\\S*, tests derived from the draft ${DRAFT.repository}@${DRAFT.commit} `));
  });

  it('run --help states the defaults the code uses, and how workerd runs warm', async () => {
    const help = (await cli(['run', '--help'])).stdout.replace(/\s+/g, ' ');
    assert.match(help, new RegExp(`--timeout <ms> per-file timeout in ms \\(default: the file's own, else ${DEFAULT_FILE_TIMEOUT_MS}\\)`));
    assert.match(help, new RegExp(`--jobs <n> runtime processes at once \\(default: as many as the cores carry, from the CPU cost of the files in earlier runs; ${DEFAULT_JOBS} without history\\)`));
    assert.match(help, new RegExp(`default: "${DEFAULT_PROCESS_MODEL}"`));
    assert.match(help, /workerd starts each warm process with a share of the files/);
    assert.doesNotMatch(help, /workerd always per-file/);
  });
});
