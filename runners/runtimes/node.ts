// Node.js (the one running the suite) with the @arrowood.dev/socket polyfill.

import { createRequire } from 'node:module';
import { warmHostOf, type RuntimeAdapter } from '../runtime.ts';
import { POLYFILL_BUILD } from './polyfill-build.ts';

const require = createRequire(import.meta.url);

export const node: RuntimeAdapter = {
  id: 'node',
  npmPackage: 'node (the Node.js running this suite)',
  async locate() {
    const polyfill = require('@arrowood.dev/socket/package.json') as { version: string };
    return {
      binary: process.execPath,
      version: process.versions.node,
      source: `the running Node.js (${process.execPath})`,
      details: { connect: `@arrowood.dev/socket@${polyfill.version}` },
    };
  },
  build: POLYFILL_BUILD,
  bareStart: (located) => ({ argv: [located.binary, '-e', '0'] }),
  launch: ({ located, bundle, context, caFile }) => ({
    argv: [located.binary, bundle, JSON.stringify(context)],
    // The polyfill has no CA option; Node adds this file to its default trust store at start-up.
    env: { NODE_EXTRA_CA_CERTS: caFile },
  }),
  launchWarm: ({ located, build, caFile }) => ({ argv: [located.binary, warmHostOf(build)], env: { NODE_EXTRA_CA_CERTS: caFile } }),
};
