// Where the project's own files are, resolved from this module so that an installed package
// (npm pack) finds its tests, harness and fixtures without reading the source tree it came from.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Whether this is the compiled JavaScript (dist/, what the installed command runs) rather than the
 * TypeScript sources run through tsx (development and the project's own tests). */
export const runningCompiled = import.meta.url.endsWith('.js');
// Compiled, this module is dist/runners/paths.js: the package root is one level further up.
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), runningCompiled ? '../..' : '..');
/** Where the compiled JavaScript is (npm run build). */
export const distDir = path.join(projectRoot, 'dist');
export const testsDir = path.join(projectRoot, 'tests');
export const harnessDir = path.join(projectRoot, 'harness');
export const fromRoot = (...parts: string[]) => path.join(projectRoot, ...parts);

/** Where builds and the timing history of earlier runs are kept between runs. */
export const cacheRoot = () => process.env.SOCKETS_CONFORMANCE_CACHE ?? path.join(os.tmpdir(), 'sockets-conformance-cache');
