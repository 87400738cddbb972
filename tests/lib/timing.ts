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
