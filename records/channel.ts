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
}

export type HarnessMessage =
  /** The file's module has loaded and its subtests are registered. */
  | { type: 'start'; file: string }
  | { type: 'result'; test: string; status: Exclude<SubtestStatus, 'CRASH' | 'SKIP'>; message: string | null; durationMs: number }
  | { type: 'complete'; status: Exclude<FileStatus, 'CRASH'>; message: string | null };

export const MESSAGE_TYPES: readonly HarnessMessage['type'][] = ['start', 'result', 'complete'];

export function frame(nonce: string, message: HarnessMessage): string {
  return `${CHANNEL_PREFIX}${nonce} ${JSON.stringify(message)}\n`;
}
