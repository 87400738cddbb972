// Ctrl-C / SIGTERM during a command that runs runtimes: the first signal aborts the command (which
// then writes what it has) and kills every runtime process group at once; a second one is the
// default, immediate exit.
import { killAll } from '../runners/launch.ts';

export interface Interrupt {
  signal: AbortSignal;
  dispose(): void;
}

export function interruptOnSignals(): Interrupt {
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    abort.abort(signal);
    killAll();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
