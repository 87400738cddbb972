// Informational subtests pass and say what they saw. testharness.js has no "pass with a message",
// so the observation rides on the test object: observe(t, text) stores it as `t.observation`, and
// the harness (harness/run-file.ts) puts a passing test's `observation` into the result record's
// `message`. An informational subtest never fails on a legitimate observation: it catches what the
// implementation throws or rejects with and describes it instead.

export function observe(t: TestharnessTest, text: string): void {
  const target = t as TestharnessTest & { observation?: string };
  target.observation = target.observation === undefined ? text : `${target.observation}; ${text}`;
}

/** A short description of any value for an observation: errors by class, name and message. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) {
    const cls = value.constructor?.name ?? 'Error';
    const kind = cls === value.name ? cls : `${cls} (name ${JSON.stringify(value.name)})`;
    return `${kind}: ${JSON.stringify(value.message)}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Runs an informational check and observes what it found; if the check itself cannot go on (the
 * socket has no `opened`, a read throws, ...), that is the observation. */
export async function observeOutcome(t: TestharnessTest, check: () => Promise<string>): Promise<void> {
  try {
    observe(t, await check());
  } catch (error) {
    observe(t, `could not complete the observation: ${describeValue(error)}`);
  }
}
