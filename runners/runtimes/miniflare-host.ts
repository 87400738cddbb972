// The process the miniflare adapter launches for one test file: Node.js running the Miniflare API,
// which starts its own workerd with the file's bundle as the worker and posts the file's request to
// it (the workerd glue's fetch handler). workerd's stdout is passed through as is, so the results
// reach the runner framed exactly as from workerd itself. Host side: it imports miniflare, never a
// test; argv[2] names a JSON file written by runners/runtimes/miniflare.ts (MiniflareHostConfig).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import type { MiniflareHostConfig } from './miniflare.ts';

const config = JSON.parse(await readFile(process.argv[2]!, 'utf8')) as MiniflareHostConfig;
const mf = new Miniflare({
  modules: true,
  scriptPath: config.bundle,
  // Module names are paths relative to this root; the bundle lives in the build cache, not here.
  modulesRoot: path.dirname(config.bundle),
  compatibilityDate: config.compatibilityDate,
  compatibilityFlags: config.compatibilityFlags,
  bindings: { CONTEXT: config.context },
  // Plain lines, so that the result channel's framing survives unchanged.
  structuredWorkerdLogs: false,
  handleRuntimeStdio(stdout: Readable, stderr: Readable) {
    stdout.pipe(process.stdout);
    stderr.pipe(process.stderr);
  },
});
try {
  const response = await mf.dispatchFetch('http://sockets-conformance.invalid/', { method: 'POST', body: JSON.stringify({ bundle: config.bundle, context: config.context }) });
  await response.text();
} finally {
  await mf.dispose();
}
