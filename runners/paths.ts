// Where the project's own files are, resolved from this module so that an installed package
// (npm pack) finds its tests, harness and fixtures without reading the source tree it came from.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const testsDir = path.join(projectRoot, 'tests');
export const harnessDir = path.join(projectRoot, 'harness');
export const fromRoot = (...parts: string[]) => path.join(projectRoot, ...parts);

/** Where builds and the timing history of earlier runs are kept between runs. */
export const cacheRoot = () => process.env.SOCKETS_CONFORMANCE_CACHE ?? path.join(os.tmpdir(), 'sockets-conformance-cache');
