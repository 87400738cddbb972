// run.mjs of a reproduction folder (runners/repro.ts bundles this file): starts fixtures.mjs, fills the
// runtime's command line from repro.json with the fixture addresses and CA, prints that command, runs
// test.mjs with it, and prints the one subtest's result. Exit code 0 when it passed, 1 otherwise.
// Needs only Node.js and the runtime's binary; nothing of the suite is installed.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CHANNEL_PREFIX } from '../../records/channel.ts';
import type { FixtureAddresses } from '../../records/fixtures.ts';
import { allowedHosts } from '../runtimes/deno.ts';
import { capnpString, pemBlocks } from '../runtimes/workerd.ts';
import { PLACEHOLDER, type ReproPlan } from './plan.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const plan = JSON.parse(readFileSync(path.join(dir, 'repro.json'), 'utf8')) as ReproPlan;

function finish(status: string, message: string | null, code: number): never {
  process.stdout.write(`RESULT ${status}${message ? `: ${message}` : ''}\n`);
  process.exit(code);
}

const fixtures = spawn(process.execPath, [path.join(dir, 'fixtures.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const stopFixtures = () => { if (fixtures.exitCode === null) fixtures.kill('SIGTERM'); };
const addresses = await new Promise<FixtureAddresses>((resolve, reject) => {
  createInterface({ input: fixtures.stdout! }).once('line', (line) => resolve(JSON.parse(line) as FixtureAddresses));
  fixtures.once('exit', (code) => reject(new Error(`fixtures.mjs exited (${code}) before printing its addresses`)));
});

const caFile = path.join(dir, 'fixture-ca.pem');
writeFileSync(caFile, addresses.caCertificate);
const nonce = randomUUID();
const context = { nonce, fixtures: addresses, runtime: plan.runtime };
const binary = process.env[plan.binaryVariable] ?? (plan.binaryDefault === 'node' ? process.execPath : plan.binaryDefault);
const fill = (text: string) => text
  .replace(new RegExp(`^--allow-net=\\S*${PLACEHOLDER.net}:1\\S*$`), `--allow-net=${allowedHosts(addresses).join(',')}`)
  .replaceAll(PLACEHOLDER.binary, binary)
  .replaceAll(PLACEHOLDER.bundle, path.join(dir, 'test.mjs'))
  .replaceAll(PLACEHOLDER.caFile, caFile)
  .replaceAll(PLACEHOLDER.dir, dir);
const argv = plan.argv.map((a) => (a === plan.contextArgToken ? JSON.stringify(context) : fill(a)));
const env = Object.fromEntries(Object.entries(plan.env).map(([k, v]) => [k, fill(v)]));
if (plan.config) {
  const text = plan.config.text
    .replace(plan.config.contextToken, capnpString(JSON.stringify(context)))
    .replace(plan.config.caToken, pemBlocks(addresses.caCertificate).map(capnpString).join(', '));
  writeFileSync(path.join(dir, plan.config.file), text);
}

const shown = argv.map((a) => (a === JSON.stringify(context) ? "'<context JSON: nonce, fixture addresses>'" : a.includes(' ') ? `'${a}'` : a));
process.stdout.write(`fixtures: ${Object.keys(addresses.services).length} services on loopback (fixtures.mjs)\n`);
process.stdout.write(`$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${shown.join(' ')}\n`);

const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
child.once('error', (error) => {
  stopFixtures();
  finish('ERROR', `cannot start ${binary}: ${error.message} (set ${plan.binaryVariable}; ${plan.binaryHint})`, 2);
});
let result: { status: string; message: string | null } | null = null;
const prefix = `${CHANNEL_PREFIX}${nonce} `;
createInterface({ input: child.stdout! }).on('line', (line) => {
  if (!line.startsWith(prefix)) { process.stdout.write(`[runtime] ${line}\n`); return; }
  const message = JSON.parse(line.slice(prefix.length)) as { type: string; test?: string; status?: string; message?: string | null };
  if (message.type === 'result' && message.test === plan.subtest) result = { status: message.status!, message: message.message ?? null };
  if (message.type === 'complete' && message.status !== 'OK') process.stdout.write(`harness: ${message.status} ${message.message ?? ''}\n`);
});
createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[runtime] ${line}\n`));
const timer = setTimeout(() => { child.kill('SIGKILL'); }, plan.timeoutMs);
child.once('close', () => {
  clearTimeout(timer);
  stopFixtures();
  const r = result as { status: string; message: string | null } | null;
  if (!r) finish('TIMEOUT', `no result for "${plan.subtest}" within ${plan.timeoutMs} ms`, 1);
  finish(r.status, r.message, r.status === 'PASS' ? 0 : 1);
});
