// Collects promise rejections that nobody handled, and keeps them from killing the runtime: the
// draft marks `opened` and `closed` as handled, so an implementation that forgets must cost a
// failing subtest, not the whole file (Node, Bun and Deno exit on an unhandled rejection).

export function collectUnhandledRejections(): unknown[] {
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
    addEventListener?: (type: string, fn: (event: { reason: unknown; promise: unknown; preventDefault(): void }) => void) => void;
    process?: { on?: (event: string, fn: (reason: unknown, promise: unknown) => void) => void };
  };
  if (typeof g.process?.on === 'function') {
    g.process.on('unhandledRejection', (reason, promise) => record(reason, promise));
  }
  if (typeof g.addEventListener === 'function') {
    g.addEventListener('unhandledrejection', (event) => {
      event.preventDefault();
      record(event.reason, event.promise);
    });
  }
  return reasons;
}
