// How node, deno and bun are built for: platform `node` (their Node compatibility provides node:net
// and node:tls), the @arrowood.dev/socket polyfill as the default connect(), the process glue, and
// the warm host that runs one bundle after another.

import { fromRoot } from '../paths.ts';
import type { BuildTarget } from '../runtime.ts';

export const POLYFILL_BUILD: BuildTarget = {
  platform: 'node',
  external: [],
  glue: fromRoot('harness/glue/process.ts'),
  defaultConnect: fromRoot('harness/connect/polyfill.ts'),
  warmHost: fromRoot('harness/glue/warm-host.ts'),
};
