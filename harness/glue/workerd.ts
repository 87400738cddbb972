// Runtime glue for workerd: the bundle is a worker's main module and results leave through
// console.log, which workerd writes to stdout as is (no prefix). Two ways in:
// - one process per file: `workerd test` calls the test() handler once, with the context as the
//   CONTEXT json binding;
// - a warm process (`workerd serve` with a share of the run's files, each a worker of its own): the runner
//   posts the file's WarmRequest to the worker's socket, and the response ends when the file has.

import type { HarnessContext, WarmRequest } from '../../records/channel.ts';
import type { Connect } from '../../tests/lib/sockets-api.ts';
import type { RegisterTests } from '../../tests/lib/test-file.ts';
import { runFile } from '../run-file.ts';
import { collectUnhandledRejections } from '../unhandled.ts';

interface Env {
  CONTEXT?: HarnessContext;
}

export function main(file: string, connect: Connect, register: RegisterTests) {
  async function run(context: HarnessContext): Promise<void> {
    const unhandled = collectUnhandledRejections();
    // workerd cancels a handler that waits on nothing it can see (a promise no I/O or timer will
    // settle) and the process exits without a completion, which would read as a CRASH. A pending
    // timer keeps it waiting, so a hung subtest is what it is in the other runtimes: a TIMEOUT.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await runFile({
        file,
        nonce: context.nonce,
        windowScale: context.windowScale,
        register,
        context: { connect, fixtures: context.fixtures, runtime: context.runtime, unhandledRejections: unhandled.reasons, perf: context.perf },
        write: (line) => console.log(line.endsWith('\n') ? line.slice(0, -1) : line),
      });
    } finally {
      clearInterval(keepAlive);
      unhandled.stop();
    }
  }
  return {
    async test(_controller: unknown, env: Env): Promise<void> {
      await run(env.CONTEXT!);
    },
    async fetch(request: Request): Promise<Response> {
      const { context } = (await request.json()) as WarmRequest;
      await run(context);
      return new Response('complete\n');
    },
  };
}
