// Runtime glue for runtimes with a Node-style `process` (node, deno and bun over their Node
// compatibility). Two ways in:
// - one process per file: the context arrives as JSON in argv[2], results leave on stdout, and the
//   process exits as soon as the harness completes, so a socket an implementation forgot to close
//   cannot keep it alive until the runner's timeout;
// - a warm process (harness/glue/warm-host.ts) that imports one bundle after another: the host
//   hands over the context and awaits the file, and the process lives on for the next one.

import process from 'node:process';
import type { HarnessContext } from '../../records/channel.ts';
import type { Connect } from '../../tests/lib/sockets-api.ts';
import type { RegisterTests } from '../../tests/lib/test-file.ts';
import { runFile } from '../run-file.ts';
import { collectUnhandledRejections } from '../unhandled.ts';
import { warmHandOver } from './hand-over.ts';

/** The context of a file run in a process of its own: argv[2] where the launch put it there, else
 * $SOCKETS_CONFORMANCE_CONTEXT (a --runtime-command whose template has no {context}). */
function contextText(): string {
  const arg = process.argv[2];
  if (arg?.startsWith('{')) return arg;
  return process.env.SOCKETS_CONFORMANCE_CONTEXT ?? arg ?? '';
}

export async function main(file: string, connect: Connect, register: RegisterTests): Promise<void> {
  const handOver = warmHandOver();
  const unhandled = collectUnhandledRejections();
  const context = handOver?.context ?? (JSON.parse(contextText()) as HarnessContext);
  // A subtest whose promise never settles leaves nothing in the event loop, and the runtime would
  // exit quietly; keeping a timer alive lets the runner's watchdog call it what it is, a TIMEOUT.
  const keepAlive = setInterval(() => undefined, 60_000);
  await runFile({
    file,
    nonce: context.nonce,
    windowScale: context.windowScale,
    register,
    context: { connect, fixtures: context.fixtures, runtime: context.runtime, unhandledRejections: unhandled.reasons, perf: context.perf },
    // Writes to a pipe are synchronous in Node on Linux; the exit below waits for the flush anyway.
    write: (line) => process.stdout.write(line),
  });
  clearInterval(keepAlive);
  unhandled.stop();
  if (!handOver) process.stdout.write('', () => process.exit(0));
}
