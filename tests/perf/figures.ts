// The performance tier's figures: names, units and sizes, shared by the files that measure them
// inside each runtime (tests/perf/*.perf.ts) and by the host's node:net / node:tls baseline
// (runners/perf-baseline.ts), so the two sides of every ratio measure the same thing the same way.
// Web-standard code only: this runs inside every runtime, workerd included.

import type { FigureDetails, PerfPlan } from '../../records/channel.ts';

export interface FigureSpec {
  metric: string;
  unit: string;
  better: FigureDetails['better'];
}

const figure = (metric: string, unit: string, better: FigureDetails['better']): FigureSpec => ({ metric, unit, better });

export const FIGURES = {
  throughput: figure('echo throughput, one connection', 'MiB/s', 'higher'),
  roundTripP50: figure('1-byte round trip, p50', 'µs', 'lower'),
  roundTripP99: figure('1-byte round trip, p99', 'µs', 'lower'),
  roundTripMean: figure('1-byte round trip, mean', 'µs', 'lower'),
  connectOpened: figure('connection set-up (connect, opened, close)', 'conn/s', 'higher'),
  connectEcho: figure('connection set-up (connect, 1-byte echo, close)', 'conn/s', 'higher'),
  tlsHandshake: figure('TLS connect with secureTransport "on", to first echoed byte, p50', 'ms', 'lower'),
  tlsHandshakeMean: figure('TLS connect with secureTransport "on", to first echoed byte, mean', 'ms', 'lower'),
  startTls: figure('startTls() upgrade, to first echoed byte, p50', 'ms', 'lower'),
  startTlsMean: figure('startTls() upgrade, to first echoed byte, mean', 'ms', 'lower'),
} as const;

export type FigureKey = keyof typeof FIGURES;

export const MiB = 1024 * 1024;

/** What the draft issue asks for: 64 MiB, 10,000 round trips. Sized to keep the whole tier under a
 * minute on two cores for four runtimes. */
export const FULL_PLAN: PerfPlan = {
  throughputBytes: 64 * MiB,
  roundTrips: 10_000,
  connections: 1_000,
  connectionConcurrency: 16,
  handshakes: 100,
  upgrades: 100,
};

/** For CI: every figure, measured on less. */
export const QUICK_PLAN: PerfPlan = {
  throughputBytes: 8 * MiB,
  roundTrips: 1_000,
  connections: 200,
  connectionConcurrency: 16,
  handshakes: 20,
  upgrades: 20,
};

/** Unmeasured work done first on each side, so neither figure includes a JIT's first steps. */
export const WARM_UP = { bytes: 2 * MiB, roundTrips: 200, connections: 20, handshakes: 3, upgrades: 3 };

/** Size of each write in the throughput figure. */
export const CHUNK_BYTES = 64 * 1024;

/** How long one step (a handshake, an upgrade, a round trip) may take before the figure is given up:
 * each takes milliseconds on loopback, so this only ends a hang (e.g. a startTls() that never settles). */
export const STEP_DEADLINE_MS = 3_000;

/** Nearest-rank percentile of `samples` (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Rejects with a message naming `what` when `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connections per second, `concurrency` in flight, each running `one` from connect to close. The
 * runtime's figure and the bare node:net baseline are both measured with this one loop, so their
 * ratio compares the sockets and not two ways of counting. */
export async function connectionRate(count: number, concurrency: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  const started = now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((now() - started) / 1000);
}

/** A monotonic clock in milliseconds where the runtime has one. */
export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Below this step (ms), a clock can time single round trips of tens of microseconds. */
const FINE_CLOCK_MS = 0.01;

/** The smallest step the clock takes while code runs; Infinity when it does not move at all
 * between I/O (workerd's, which then advances in whole milliseconds). Bounded: a frozen clock is
 * declared after a million reads. */
export function clockStepMs(): number {
  const start = now();
  for (let i = 0; i < 1_000_000; i++) {
    const t = now();
    if (t !== start) return t - start;
  }
  return Infinity;
}

export interface LatencySummary {
  /** p50 / p99 where the clock resolves single steps, else null. */
  p50: number | null;
  p99: number | null;
  /** The mean over all steps: unbiased even on a clock that moves in whole milliseconds, since the
   * steps start at no particular phase of its tick. */
  mean: number;
  /** Set when the clock was too coarse for percentiles: what it is, in words. */
  coarseClock?: string;
}

/** Percentiles where the clock allows them, the mean always. */
export function summarise(samples: readonly number[], step = clockStepMs()): LatencySummary {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  if (step >= FINE_CLOCK_MS || samples.some((x) => x === 0)) {
    const what = !Number.isFinite(step) ? 'stands still while code runs and moves only on I/O' : Number.isInteger(step) ? 'moves in whole milliseconds' : `moves in steps of ${step} ms`;
    return { p50: null, p99: null, mean, coarseClock: `this runtime's clock ${what}, too coarse to time single steps: the mean over all of them instead of percentiles` };
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean };
}
