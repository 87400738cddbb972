// Finds the spec test files and reads their metadata without running a single subtest: each file's
// `meta` export is the single source of truth for its subtests, anchors and levels (read as
// runners/meta-load.ts says).

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Level, UpstreamReport } from '../records/result.ts';
import type { FileMeta } from '../tests/lib/test-file.ts';
import { loadMetas, MetaLoadError, type LoadedMeta } from './meta-load.ts';
import { testsDir } from './paths.ts';

export const TEST_FILE_SUFFIX = '.any.ts';

export interface SubtestInfo {
  name: string;
  anchors: string[];
  level: Level;
  requirements: string[];
  /** Upstream bug reports the subtest reproduces (the file's, then its own); empty for most. */
  upstream: UpstreamReport[];
}

export interface TestFile {
  /** Path relative to tests/, forward slashes: the key in every record. */
  file: string;
  absolutePath: string;
  meta: FileMeta;
  subtests: SubtestInfo[];
}

export class MetadataError extends Error {
  override name = 'MetadataError';
}

/** The suite's own tests, unless SOCKETS_CONFORMANCE_TESTS_DIR names another folder of test files
 * (used by the runner's own tests, and by anyone trying out new tests outside the tree). */
export const defaultTestsRoot = () => process.env.SOCKETS_CONFORMANCE_TESTS_DIR ?? testsDir;

/** `suffix` picks another kind of file with the same shape (the performance tier's `.perf.ts`). */
export async function discoverTestFiles(root = defaultTestsRoot(), suffix = TEST_FILE_SUFFIX): Promise<TestFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  const keyOf = (absolutePath: string) => path.relative(root, absolutePath).split(path.sep).join('/');
  let loaded: Map<string, LoadedMeta>;
  try {
    loaded = await loadMetas(root, paths);
  } catch (error) {
    if (!(error instanceof MetaLoadError)) throw error;
    throw new MetadataError(`tests/${keyOf(error.absolutePath)}: cannot be loaded to read its metadata: ${error.message}`);
  }
  const files: TestFile[] = [];
  for (const absolutePath of paths) {
    const file = keyOf(absolutePath);
    const mod = loaded.get(absolutePath)!;
    if (!mod.meta || !mod.register) {
      throw new MetadataError(`tests/${file}: must export \`meta\` and a default registration function`);
    }
    files.push({ file, absolutePath, meta: mod.meta, subtests: subtestsOf(mod.meta) });
  }
  return files;
}

export function subtestsOf(meta: FileMeta): SubtestInfo[] {
  return Object.entries(meta.subtests).map(([name, sub]) => ({
    name,
    anchors: sub.anchors ?? meta.anchors,
    level: sub.level ?? meta.level,
    requirements: sub.covers ?? [],
    upstream: [...(meta.upstream ?? []), ...(sub.upstream ?? [])],
  }));
}

/** Keeps the files whose path or one of whose anchors contains `filter` (case-insensitive). */
export function filterFiles(files: TestFile[], filter: string | undefined): TestFile[] {
  if (!filter) return files;
  const needle = filter.toLowerCase();
  return files.filter(
    (f) => f.file.toLowerCase().includes(needle) || f.subtests.some((s) => s.anchors.some((a) => a.toLowerCase().includes(needle))),
  );
}
