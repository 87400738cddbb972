// Splitting the suite across CI jobs: shard i of n takes the files whose name hashes to i, so a
// file stays in its shard when others are added or removed (wptrunner's "hash" chunking).

import { createHash } from 'node:crypto';
import { UsageError } from './run.ts';

export interface Shard {
  /** 1-based, as people write it: `--shard 2/4`. */
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || index < 1 || index > total) {
    throw new UsageError(`--shard takes i/n with 1 <= i <= n (e.g. 2/4), not "${text}"`);
  }
  return { index, total };
}

export function shardOf(file: string, total: number): number {
  const hash = createHash('sha256').update(file).digest();
  return (hash.readUInt32BE(0) % total) + 1;
}

export function selectShard<T extends { file: string }>(files: T[], shard: Shard): T[] {
  return files.filter((f) => shardOf(f.file, shard.total) === shard.index);
}
