// npm run build (run by `npm ci` / `npm install` in a checkout through `prepare`, and by `npm pack`):
// compiles the host side (cli, runners, records, reporters, echo-server, interop) to JavaScript in
// dist/, which the installed command runs with no TypeScript loader, then writes the metadata of
// every test file (dist/tests-meta.json), so that the compiled command lists and runs them without
// loading TypeScript. The test files, the harness and the records they import stay TypeScript:
// esbuild bundles them for each runtime at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  // An installed package (a tarball's `prepare` may run here) ships dist/ and has no TypeScript.
  if (existsSync(path.join(dist, 'cli', 'main.js'))) process.exit(0);
  throw new Error('cannot build: typescript is not installed (npm ci installs it)');
}
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: ['ignore', process.stderr, process.stderr] });
const { writeShippedManifest } = await import(pathToFileURL(path.join(dist, 'runners', 'meta-load.js')).href);
const written = await writeShippedManifest();
// On stderr: `npm pack --json` runs this first, and its stdout must stay JSON.
console.error(`built ${path.relative(root, dist)}/ and the metadata of ${written} test files`);
