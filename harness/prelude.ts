// Runs before testharness.js is evaluated. testharness.js expects a global `self` and picks its
// environment by probing the global's class: in workerd the global is a ServiceWorkerGlobalScope,
// which would make it wait for service-worker events that never come in a one-shot run. Hiding the
// worker-scope constructors while it loads makes it choose its shell environment (no DOM, no timers
// of its own); harness/restore.ts puts them back.

const g = globalThis as Record<string, unknown>;
if (!('self' in g)) g.self = globalThis;

const hidden: Record<string, unknown> = {};
for (const name of ['ServiceWorkerGlobalScope', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope', 'SharedWorkerGlobalScope']) {
  if (name in g) {
    hidden[name] = g[name];
    try {
      delete g[name];
    } catch {
      // Non-configurable in some runtime: then testharness.js sees it, and the runtime adapter must cope.
    }
  }
}
g.__socketsConformanceHidden = hidden;
