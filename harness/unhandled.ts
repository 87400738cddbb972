// Collects promise rejections that nobody handled, and keeps them from killing the runtime: the
// draft marks `opened` and `closed` as handled, so an implementation that forgets must cost a
// failing subtest, not the whole file (Node, Bun and Deno exit on an unhandled rejection).

export interface UnhandledRejections {
  reasons: unknown[];
  /** Stops collecting (a warm process runs the next file with a collector of its own). */
  stop(): void;
}

type RejectionEvent = { reason: unknown; promise: unknown; preventDefault(): void };

export function collectUnhandledRejections(): UnhandledRejections {
  const reasons: unknown[] = [];
  const seen = new WeakSet<object>();
  const record = (reason: unknown, promise: unknown) => {
    if (promise && typeof promise === 'object') {
      if (seen.has(promise)) return;
      seen.add(promise);
    }
    reasons.push(reason);
  };
  const g = globalThis as unknown as {
    addEventListener?: (type: string, fn: (event: RejectionEvent) => void) => void;
    removeEventListener?: (type: string, fn: (event: RejectionEvent) => void) => void;
    process?: {
      on?: (event: string, fn: (reason: unknown, promise: unknown) => void) => void;
      off?: (event: string, fn: (reason: unknown, promise: unknown) => void) => void;
    };
  };
  const onProcessEvent = (reason: unknown, promise: unknown) => record(reason, promise);
  const onGlobalEvent = (event: RejectionEvent) => {
    event.preventDefault();
    record(event.reason, event.promise);
  };
  if (typeof g.process?.on === 'function') g.process.on('unhandledRejection', onProcessEvent);
  if (typeof g.addEventListener === 'function') g.addEventListener('unhandledrejection', onGlobalEvent);
  return {
    reasons,
    stop() {
      g.process?.off?.('unhandledRejection', onProcessEvent);
      g.removeEventListener?.('unhandledrejection', onGlobalEvent);
    },
  };
}
