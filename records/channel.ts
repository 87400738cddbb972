// The result channel between the harness (inside a runtime) and the runner (host side).
//
// The harness writes one line per message to the runtime's standard output:
//   <CHANNEL_PREFIX><nonce> <JSON of HarnessMessage>\n
// The nonce is fresh for every run, so nothing a test, a library or the runtime itself prints can be
// mistaken for a result; every other line is the runtime's own output, kept for CRASH / ERROR reports.

import type { FileStatus, SubtestStatus } from './result.ts';

export const CHANNEL_PREFIX = '@@sockets-conformance:';

/** What the runner hands the harness when it launches a file (argv JSON or a workerd binding). */
export interface HarnessContext {
  nonce: string;
  /** The fixture address map (records/fixtures.ts). */
  fixtures: import('./fixtures.ts').FixtureAddresses;
  /** Runtime id, for tests that describe what they observed. */
  runtime: string;
  /** Sizes for the performance tier's files (tests/perf/), set only by `sockets-conformance perf`. */
  perf?: PerfPlan;
  /** What every "must happen" bound of the tests is multiplied by (tests/lib/timing.ts), from the
   * run's calibration or --timeout-multiplier; 1 when absent. */
  windowScale?: number;
}

/** How much each figure of the performance tier measures; the host's node:net baseline uses the same. */
export interface PerfPlan {
  /** Bytes sent through the echo service for the throughput figure. */
  throughputBytes: number;
  /** 1-byte round trips for the latency figures. */
  roundTrips: number;
  /** Connections opened and closed for each connection-rate figure. */
  connections: number;
  /** Connections in flight at once while measuring the connection rate. */
  connectionConcurrency: number;
  /** TLS handshakes (secureTransport "on") timed, one after another. */
  handshakes: number;
  /** STARTTLS upgrades timed, one after another. */
  upgrades: number;
}

/** What a perf file reports besides the figure itself. */
export interface FigureDetails {
  /** Whether a bigger value is better (rates) or worse (times). */
  better: 'higher' | 'lower';
  /** How many measurements the figure summarises. */
  samples?: number;
  /** What the figure includes or leaves out, in a sentence. */
  note?: string;
}

export type HarnessMessage =
  /** The file's module has loaded and its subtests are registered. */
  | { type: 'start'; file: string }
  | { type: 'result'; test: string; status: Exclude<SubtestStatus, 'CRASH' | 'SKIP'>; message: string | null; durationMs: number }
  | { type: 'complete'; status: Exclude<FileStatus, 'CRASH'>; message: string | null }
  /** One figure of the performance tier (informational, never judged). */
  | { type: 'figure'; metric: string; unit: string; value: number; details: FigureDetails };

export const MESSAGE_TYPES: readonly HarnessMessage['type'][] = ['start', 'result', 'complete', 'figure'];

export function frame(nonce: string, message: HarnessMessage): string {
  return `${CHANNEL_PREFIX}${nonce} ${JSON.stringify(message)}\n`;
}

/** What the runner writes, one JSON line each, to a warm runtime process (harness/glue/warm-host.ts)
 * to have it run one more file; the file's results come back framed with `context.nonce`. */
export interface WarmRequest {
  /** Absolute path of the bundled test file. */
  bundle: string;
  context: HarnessContext;
}
