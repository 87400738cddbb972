// The colour interface every terminal reporter takes (the caller decides: picocolors on a TTY,
// `plain` otherwise), and the count of required subtests that did not pass. The run's terminal
// output itself is the matrix (reporters/matrix.ts).

import type { RunResults } from '../records/result.ts';

export interface Colours {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const plain: Colours = { green: (s) => s, red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

/** Subtests of level `required` that did not pass (shown in the run's last line; the exit code comes
 * from the expectations). */
export function requiredFailures(results: RunResults) {
  return results.results.filter((r) => r.level === 'required' && r.status !== 'PASS');
}
