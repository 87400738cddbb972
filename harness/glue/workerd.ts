// Runtime glue for workerd: the bundle is the worker's main module, `workerd test` calls its test()
// handler once, the context arrives as the CONTEXT json binding, and results leave through
// console.log, which `workerd test` writes to stdout as is (no prefix).

import type { HarnessContext } from '../../records/channel.ts';
import type { Connect } from '../../tests/lib/sockets-api.ts';
import type { RegisterTests } from '../../tests/lib/test-file.ts';
import { runFile } from '../run-file.ts';
import { collectUnhandledRejections } from '../unhandled.ts';

interface Env {
  CONTEXT: HarnessContext;
}

export function main(file: string, connect: Connect, register: RegisterTests) {
  return {
    async test(_controller: unknown, env: Env): Promise<void> {
      const unhandled = collectUnhandledRejections();
      const context = env.CONTEXT;
      // workerd cancels a handler that waits on nothing it can see (a promise no I/O or timer will
      // settle) and the process exits without a completion, which would read as a CRASH. A pending
      // timer keeps it waiting, so a hung subtest is what it is in the other runtimes: a TIMEOUT.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        await runFile({
          file,
          nonce: context.nonce,
          register,
          context: { connect, fixtures: context.fixtures, runtime: context.runtime, unhandledRejections: unhandled.reasons, perf: context.perf },
          write: (line) => console.log(line.endsWith('\n') ? line.slice(0, -1) : line),
        });
      } finally {
        clearInterval(keepAlive);
      }
    },
  };
}
