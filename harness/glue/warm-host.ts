// A warm runtime process for runtimes with a Node-style `process` (node, deno, bun): instead of one
// process per file, it reads requests (records/channel.ts: WarmRequest) one JSON line at a time
// from stdin and imports each file's bundle in turn. Every bundle carries its own copy of
// testharness.js, so each file gets a fresh harness; what a file leaves behind (an open socket, a
// timer) stays in the process, which is the price of not starting a new one. A file that kills the
// process costs that file; the runner starts a new process for the next.

import process from 'node:process';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { WarmRequest } from '../../records/channel.ts';
import { WARM_HAND_OVER, type WarmHandOver } from './hand-over.ts';

// Between files no collector is listening, and a late rejection from an earlier file's leftovers
// must not end the process (during a file, the file's own collector records it).
process.on('unhandledRejection', () => undefined);

const g = globalThis as Record<string, unknown>;
let imported = 0;
for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as WarmRequest;
  g[WARM_HAND_OVER] = { context: request.context } satisfies WarmHandOver;
  // A query makes every import a new module instance, should the same bundle come twice (--repeat).
  const module = (await import(`${pathToFileURL(request.bundle).href}?run=${++imported}`)) as { default: Promise<void> };
  await module.default;
  delete g[WARM_HAND_OVER];
}
process.exit(0);
