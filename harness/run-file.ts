// The project's testharnessreport: turns testharness.js callbacks into framed channel messages
// (records/channel.ts) and runs one test file's registration function.

import { frame, type HarnessMessage } from '../records/channel.ts';
import type { SubtestStatus, FileStatus } from '../records/result.ts';
import type { RegisterTests, TestContext } from '../tests/lib/test-file.ts';
import { setWindowScale } from '../tests/lib/timing.ts';

// testharness.js's numeric codes, named once here (Test.statuses / TestsStatus.statuses).
const SUBTEST_STATUS: Record<number, Exclude<SubtestStatus, 'CRASH' | 'SKIP'>> = {
  0: 'PASS', 1: 'FAIL', 2: 'TIMEOUT', 3: 'NOTRUN', 4: 'PRECONDITION_FAILED',
};
const HARNESS_STATUS: Record<number, Exclude<FileStatus, 'CRASH'>> = {
  0: 'OK', 1: 'ERROR', 2: 'TIMEOUT', 3: 'PRECONDITION_FAILED',
};

export interface RunFileOptions {
  file: string;
  nonce: string;
  register: RegisterTests;
  context: TestContext;
  /** Writes one framed line to the result channel, completely, before returning. */
  write: (line: string) => void;
  /** HarnessContext.windowScale: the scale of the tests' "must happen" bounds in this run. */
  windowScale?: number;
}

/** Resolves once testharness.js has reported completion (or the registration itself failed). */
export function runFile(options: RunFileOptions): Promise<void> {
  const { nonce, write } = options;
  const emit = (message: HarnessMessage) => write(frame(nonce, message));
  const started = new Map<string, number>();
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

  // The bundle holds its own copy of the test helpers, so this reaches this file's bounds only.
  setWindowScale(options.windowScale);
  return new Promise<void>((resolve) => {
    // allow_uncaught_exception: where the global has addEventListener (deno, workerd), testharness.js would
    // turn an unhandled rejection into a file ERROR; in node it cannot see one. unhandled.ts records them alike.
    setup({ explicit_done: true, explicit_timeout: true, allow_uncaught_exception: true });
    add_start_callback(() => undefined);
    add_result_callback((test) => {
      const begun = started.get(test.name) ?? now();
      // Informational subtests pass and say what they saw (tests/lib/observe.ts).
      const observation = (test as unknown as { observation?: string }).observation;
      const message = test.status === 0 ? (observation ?? null) : (test.message ?? null);
      emit({
        type: 'result',
        test: test.name,
        status: SUBTEST_STATUS[test.status] ?? 'FAIL',
        message,
        durationMs: Math.round(now() - begun),
      });
    });
    add_completion_callback((_tests, status) => {
      emit({ type: 'complete', status: HARNESS_STATUS[status.status] ?? 'ERROR', message: status.message ?? null });
      resolve();
    });

    // Durations are measured from registration: promise_test bodies run one after another, so the
    // first subtest's clock starts at load and later ones include the wait for their turn. Good
    // enough to spot a slow file; the runner's own per-file wall time is the authoritative figure.
    const originalPromiseTest = promise_test;
    (globalThis as Record<string, unknown>).promise_test = (fn: (t: TestharnessTest) => Promise<unknown>, name: string) => {
      originalPromiseTest((t) => {
        started.set(name, now());
        return fn(t);
      }, name);
    };

    emit({ type: 'start', file: options.file });
    try {
      options.register({
        ...options.context,
        reportFigure: (metric, unit, value, details) => emit({ type: 'figure', metric, unit, value, details }),
      });
    } catch (error) {
      emit({ type: 'complete', status: 'ERROR', message: `the test file threw while registering its subtests: ${describe(error)}` });
      resolve();
      return;
    }
    done();
  });
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
