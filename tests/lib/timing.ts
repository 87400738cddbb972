// Waiting helpers. Tests wait on events and promises; the only timed waits are bounded windows for
// "this must not happen", and each caller says why its window is long enough.

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type Settlement<T> =
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; reason: unknown }
  | { state: 'pending' };

/** How `promise` stands after `ms` milliseconds (or earlier, as soon as it settles). */
export async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<Settlement<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<Settlement<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settlement<T> => ({ state: 'fulfilled', value }),
        (reason): Settlement<T> => ({ state: 'rejected', reason }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** How `promise` stands once the microtasks queued so far have run: a promise already settled
 * when this is called shows as settled, one that needs I/O shows as pending. */
export async function settledNow<T>(promise: Promise<T>): Promise<Settlement<T>> {
  let result: Settlement<T> = { state: 'pending' };
  promise.then(
    (value) => { result = { state: 'fulfilled', value }; },
    (reason) => { result = { state: 'rejected', reason }; },
  );
  // A few rounds so that an implementation resolving through a short chain of thens still shows.
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return result;
}

// "Must happen" bounds (tests/lib/windows.ts, the interop tier's client bounds) exist only to keep
// one broken promise from costing a whole file; they must never expire because this machine is slow
// or busy. Two measures keep them honest:
// - the runner calibrates each run on its machine and hands the harness a scale (HarnessContext
//   windowScale; --timeout-multiplier overrides it), which every bound is multiplied by;
// - a bound counts only the time this runtime could run. It advances in short timer ticks, and a
//   tick that arrives late (the runtime waited for a CPU, or its event loop was blocked) is credited
//   with at most two tick lengths, so time spent starved does not use the bound up. A promise that
//   needs the runtime to run is given the bound's full length of running time, however long the
//   CPU is taken elsewhere; the runner's file watchdog, itself scaled and starvation-aware, still
//   ends a file that truly hangs.
// "Must not happen" windows use settlesWithin() unscaled: their length is set by what they must
// outlast (a round trip, a measured handshake), which a slow machine stretches on its own.

let scale = 1;

/** Sets the scale of every bound (called by the harness before the file registers its subtests). */
export function setWindowScale(value: unknown): void {
  scale = typeof value === 'number' && Number.isFinite(value) && value >= 1 ? value : 1;
}

/** The scale in force, for messages. */
export function windowScale(): number {
  return scale;
}

/** `ms` as this run's bound: the calibrated scale times `ms`, rounded. */
export function scaledMs(ms: number): number {
  return Math.round(ms * scale);
}

/** Tick of the running-time clock: short enough that a starved stretch is seen as one late tick. */
const TICK_MS = 25;

/** Resolves once this runtime has had `ms` of running time (see above), counted in timer ticks. */
export function runningTime(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  const done = new Promise<void>((resolve) => {
    let credited = 0;
    let last = now();
    const tick = () => {
      if (cancelled) return;
      const at = now();
      // On time, a tick is credited in full; late, with at most two tick lengths.
      credited += Math.min(at - last, 2 * TICK_MS);
      last = at;
      if (credited >= ms) resolve();
      else timer = setTimeout(tick, Math.min(TICK_MS, Math.max(1, ms - credited)));
    };
    timer = setTimeout(tick, Math.min(TICK_MS, Math.max(1, ms)));
  });
  return { done, cancel: () => { cancelled = true; clearTimeout(timer); } };
}

/** How `promise` stands once it settles, or once the runtime has had `ms` × the run's scale of
 * running time without it settling: the bound of a "must happen" wait. */
export async function settlesWithinBound<T>(promise: Promise<T>, ms: number): Promise<Settlement<T>> {
  const clock = runningTime(scaledMs(ms));
  try {
    return await Promise.race([
      promise.then(
        (value): Settlement<T> => ({ state: 'fulfilled', value }),
        (reason): Settlement<T> => ({ state: 'rejected', reason }),
      ),
      clock.done.then((): Settlement<T> => ({ state: 'pending' })),
    ]);
  } finally {
    clock.cancel();
  }
}
