// `sockets-conformance repro FILE "SUBTEST" --runtime R`: a folder that reproduces one subtest on one
// runtime without this suite: test.mjs (the test file bundled with testharness.js, the runtime's
// connect() and the result glue, registering that one subtest only), fixtures.mjs (the fixture server,
// bundled), run.mjs (starts the fixtures, runs the runtime's exact command, prints the result),
// repro.json (that command with placeholders), the test's source for reading, and a README with the
// expected result and the one observed when the folder was made.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { buildBundles } from './build.ts';
import { discoverTestFiles, type TestFile } from './discover.ts';
import { fromRoot, projectRoot } from './paths.ts';
import { PLACEHOLDER, type ReproPlan } from './repro/plan.ts';
import { UsageError } from './run.ts';
import type { LocatedRuntime, RuntimeAdapter } from './runtime.ts';
import { findRuntime, runtimes } from './runtimes/index.ts';

export interface ReproOptions {
  /** Test file, relative to tests/ (a leading `tests/` is accepted). */
  file: string;
  subtest: string;
  runtime: string;
  out: string;
  /** An --impl module to use instead of the runtime's connect(). */
  impl?: string;
  timeoutMultiplier?: number;
}

export interface Observed {
  status: string;
  message: string | null;
  /** Everything run.mjs printed. */
  output: string;
}

const DEFAULT_FILE_TIMEOUT_MS = 5000;

const HINTS: Record<string, { variable: string; binary: string; hint: (version: string) => string }> = {
  node: { variable: 'NODE_BIN', binary: 'node', hint: () => 'any Node.js 20 or later' },
  deno: { variable: 'DENO_BIN', binary: 'deno', hint: (v) => `npx --yes deno@${v} puts it in the npm cache; or install Deno ${v}` },
  bun: { variable: 'BUN_BIN', binary: 'bun', hint: (v) => `npx --yes bun@${v}; or install Bun ${v}` },
  workerd: { variable: 'WORKERD_BIN', binary: 'workerd', hint: (v) => `npx --yes workerd@<a version whose compatibility date is ${v.split(' ')[0]}>` },
};

function findFile(files: TestFile[], name: string): TestFile {
  const key = name.replace(/^tests\//, '');
  const file = files.find((f) => f.file === key);
  if (!file) throw new UsageError(`no test file ${key} (sockets-conformance list shows them)`);
  return file;
}

/** A stand-in for the test file that registers only the wanted subtest. */
function onlySubtestModule(file: TestFile, subtest: string): string {
  return [
    `import register from ${JSON.stringify(file.absolutePath)};`,
    `const WANTED = ${JSON.stringify(subtest)};`,
    'export default function (ctx) {',
    '  const real = globalThis.promise_test;',
    '  globalThis.promise_test = (fn, name) => { if (name === WANTED) real(fn, name); };',
    '  try { register(ctx); } finally { globalThis.promise_test = real; }',
    '}',
    '',
  ].join('\n');
}

/** The runtime's own command line for one file, with placeholders where run.mjs puts the real values. */
async function commandPlan(adapter: RuntimeAdapter, located: LocatedRuntime, scratch: string): Promise<Pick<ReproPlan, 'argv' | 'env' | 'config' | 'contextArgToken'>> {
  const sentinel = { nonce: '@@NONCE@@', fixtures: null, runtime: adapter.id } as unknown as Parameters<RuntimeAdapter['launch']>[0]['context'];
  const dummyCa = '-----BEGIN CERTIFICATE-----\nREPRO-CA\n-----END CERTIFICATE-----\n';
  const caFile = path.join(scratch, 'ca.pem');
  await writeFile(caFile, dummyCa);
  const isWorkerd = adapter.id === 'workerd';
  const spec = await adapter.launch({
    located: { ...located, binary: PLACEHOLDER.binary },
    bundle: isWorkerd ? path.join(scratch, 'test.mjs') : PLACEHOLDER.bundle,
    context: sentinel,
    fixtures: { version: 1, services: { stand: { ipv4: { hostname: PLACEHOLDER.net, port: 1 }, ipv6: null } } } as never,
    workDir: scratch,
    caFile: isWorkerd ? caFile : PLACEHOLDER.caFile,
  });
  const contextJson = JSON.stringify(sentinel);
  if (!isWorkerd) return { argv: spec.argv, env: spec.env ?? {}, contextArgToken: contextJson };
  // workerd: a generated config next to test.mjs; the context and the CA go into it at run time.
  const configPath = spec.argv.find((a) => a.endsWith('.capnp'))!;
  const { capnpString } = await import('./runtimes/workerd.ts');
  const text = await readFile(configPath, 'utf8');
  return {
    argv: spec.argv.map((a) => (a === configPath ? path.join(PLACEHOLDER.dir, 'config.capnp') : a)),
    env: spec.env ?? {},
    config: { file: 'config.capnp', text, contextToken: capnpString(contextJson), caToken: capnpString(dummyCa) },
  };
}

async function bundleScript(entry: string, outfile: string): Promise<void> {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
    banner: { js: "import { createRequire as __scCreateRequire } from 'node:module'; const require = __scCreateRequire(import.meta.url);" },
    absWorkingDir: projectRoot,
  });
}

/** Runs the folder's run.mjs once with `node` and reads its RESULT line. */
export function runRepro(dir: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Observed & { exitCode: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'run.mjs')], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const line = /^RESULT (\w+)(?:: (.*))?$/m.exec(output);
      resolve({ status: line?.[1] ?? 'ERROR', message: line?.[2] ?? (line ? null : 'run.mjs printed no RESULT line'), output, exitCode });
    });
  });
}

export async function writeRepro(options: ReproOptions): Promise<{ dir: string; observed: Observed }> {
  const adapter = findRuntime(options.runtime);
  if (!adapter) throw new UsageError(`unknown runtime "${options.runtime}" (one of ${runtimes.map((r) => r.id).join(', ')})`);
  const testFile = findFile(await discoverTestFiles(), options.file);
  const tier = testFile.meta.tier ?? 'spec';
  if (tier === 'interop' || tier === 'perf') {
    throw new UsageError(`tests/${testFile.file} is in the ${tier} tier: a reproduction folder carries the fixture server only, not PostgreSQL, SMTP or the performance baseline (spec and regression files only)`);
  }
  const sub = testFile.subtests.find((s) => s.name === options.subtest);
  if (!sub) throw new UsageError(`tests/${testFile.file} has no subtest "${options.subtest}" (it has: ${testFile.subtests.map((s) => JSON.stringify(s.name)).join(', ')})`);
  let located: LocatedRuntime;
  try {
    located = await adapter.locate();
  } catch (error) {
    throw new UsageError(`${adapter.id} is not available here: ${(error as Error).message}`);
  }
  const impl = options.impl ? path.resolve(options.impl) : undefined;
  const dir = path.resolve(options.out);
  await mkdir(dir, { recursive: true });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sockets-conformance-repro-'));
  try {
    const wrapper = path.join(scratch, 'only-subtest.mjs');
    await writeFile(wrapper, onlySubtestModule(testFile, options.subtest));
    const build = await buildBundles({ target: adapter.build, connectModule: impl ?? adapter.build.defaultConnect, files: [{ file: testFile.file, absolutePath: wrapper }] });
    await copyFile(build.bundles.get(testFile.file)!, path.join(dir, 'test.mjs'));
    await copyFile(testFile.absolutePath, path.join(dir, `source-${path.basename(testFile.file)}`));
    await bundleScript(fromRoot('runners/repro/fixtures-main.ts'), path.join(dir, 'fixtures.mjs'));
    await bundleScript(fromRoot('runners/repro/run-main.ts'), path.join(dir, 'run.mjs'));
    const hints = HINTS[adapter.id] ?? { variable: `${adapter.id.toUpperCase()}_BIN`, binary: adapter.id, hint: () => `install ${adapter.id}` };
    const plan: ReproPlan = {
      file: testFile.file,
      subtest: options.subtest,
      runtime: adapter.id,
      runtimeVersion: located.version,
      binaryHint: hints.hint(located.version),
      binaryVariable: hints.variable,
      binaryDefault: hints.binary,
      ...(await commandPlan(adapter, located, scratch)),
      timeoutMs: Math.round((testFile.meta.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS) * (options.timeoutMultiplier ?? 1)),
    };
    await writeFile(path.join(dir, 'repro.json'), JSON.stringify(plan, null, 2) + '\n');
    // The binary found here, so that the observed result is this machine's runtime.
    const observed = await runRepro(dir, { [hints.variable]: located.binary });
    const known = await knownFailure(adapter.id, testFile.file, options.subtest);
    await writeFile(path.join(dir, 'README.md'), readme(plan, testFile, sub, located, impl, observed, known));
    return { dir, observed };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The command with its placeholders in words, as the README shows it. */
function shownCommand(plan: ReproPlan): string {
  const words = (text: string) => text
    .replaceAll(PLACEHOLDER.binary, `$${plan.binaryVariable}`)
    .replaceAll(PLACEHOLDER.bundle, 'test.mjs')
    .replaceAll(PLACEHOLDER.caFile, 'fixture-ca.pem')
    .replaceAll(`${PLACEHOLDER.dir}/`, '')
    .replace(/--allow-net=\S*/, '--allow-net=<every fixture host:port>');
  const env = Object.entries(plan.env).map(([k, v]) => `${k}=${words(v)} `).join('');
  return env + plan.argv.map((a) => (a === plan.contextArgToken ? "'<context JSON: nonce, fixture addresses>'" : words(a))).join(' ');
}

async function knownFailure(runtime: string, file: string, subtest: string): Promise<string | null> {
  try {
    const all = JSON.parse(await readFile(fromRoot('expectations', `${runtime}.json`), 'utf8')) as { files?: Record<string, { subtests?: Record<string, { status?: string; reason?: string }> }> };
    const entry = all.files?.[file]?.subtests?.[subtest];
    return entry?.reason ? `${entry.status ?? 'flaky'}: ${entry.reason}` : null;
  } catch {
    return null;
  }
}

function readme(plan: ReproPlan, file: TestFile, sub: TestFile['subtests'][number], located: LocatedRuntime, impl: string | undefined, observed: Observed, known: string | null): string {
  const expected = sub.level === 'informational'
    ? 'PASS, with an observation (an informational subtest is never judged: it reports what the runtime did)'
    : `PASS (a ${sub.level} subtest: ${sub.level === 'required' ? 'the draft states this behaviour' : 'the draft says should or may'})`;
  const upstream = sub.upstream.map((u) => `- [${u.repository}#${u.number}](${u.url}): ${u.title}`);
  return [
    `# Reproduction: ${plan.subtest}`,
    '',
    `- Test: \`tests/${file.file}\` (${file.meta.title}); source copied as \`source-${path.basename(file.file)}\``,
    `- Subtest: "${plan.subtest}" (${sub.level}; draft sections ${sub.anchors.join(', ')}${sub.requirements.length ? `; catalogue ${sub.requirements.join(', ')}` : ''})`,
    `- Runtime: ${plan.runtime} ${located.version}${impl ? `, with connect() from ${path.basename(impl)}` : ''} (${located.source})`,
    ...(upstream.length ? ['', 'Upstream reports:', ...upstream] : []),
    '',
    '## Run it',
    '',
    'Needs Node.js 20+ and the runtime; nothing else is installed (test.mjs and fixtures.mjs are self-contained bundles).',
    '',
    '```sh',
    `${plan.binaryVariable}=/path/to/${plan.binaryDefault} node run.mjs   # ${plan.binaryVariable} defaults to ${plan.binaryDefault === 'node' ? 'this node' : `\`${plan.binaryDefault}\` on PATH`}`,
    '```',
    '',
    `Getting the runtime: ${plan.binaryHint}.`,
    '',
    'run.mjs starts the fixture server (`node fixtures.mjs`, which prints its address map as one JSON line and serves until',
    'Ctrl-C), writes the fixture CA to fixture-ca.pem, then runs exactly this command (context JSON and paths filled in):',
    '',
    '```sh',
    shownCommand(plan),
    '```',
    ...(plan.config ? ['', `For workerd, run.mjs writes \`${plan.config.file}\` from the template in repro.json (config.text), with the fixture CA as a trusted certificate of the loopback network service and the context as the CONTEXT json binding.`] : []),
    '',
    'It prints `RESULT <status>[: message]` and exits 0 when the subtest passed, 1 otherwise.',
    '',
    '## Expected',
    '',
    expected,
    '',
    '## Observed when this folder was made',
    '',
    `\`${observed.status}${observed.message ? `: ${observed.message}` : ''}\``,
    ...(known ? ['', `The suite lists this as a known failure of ${plan.runtime} (expectations/${plan.runtime}.json): ${known}`] : []),
    '',
  ].join('\n');
}
