// How the warm host (harness/glue/warm-host.ts) hands a file's context to the glue in the bundle it
// imports: a global, set before the import and removed after the file has completed.

import type { HarnessContext } from '../../records/channel.ts';

export const WARM_HAND_OVER = '__socketsConformanceWarm';

export interface WarmHandOver {
  context: HarnessContext;
}

export function warmHandOver(): WarmHandOver | undefined {
  return (globalThis as Record<string, unknown>)[WARM_HAND_OVER] as WarmHandOver | undefined;
}
