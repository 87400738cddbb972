import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShard, selectShard } from './shard.ts';

describe('--shard', () => {
  const files = Array.from({ length: 40 }, (_, i) => ({ file: `section-${i}/file.any.ts` }));

  it('shards partition the files: every file in exactly one shard', () => {
    const shards = [1, 2, 3].map((index) => selectShard(files, { index, total: 3 }));
    assert.equal(shards.flat().length, files.length);
    assert.equal(new Set(shards.flat().map((f) => f.file)).size, files.length);
  });

  it('a file keeps its shard when other files come and go', () => {
    const before = selectShard(files, { index: 2, total: 4 }).map((f) => f.file);
    const after = selectShard([...files, { file: 'new/file.any.ts' }].slice(3), { index: 2, total: 4 }).map((f) => f.file);
    assert.deepEqual(after.filter((f) => before.includes(f)), before.filter((f) => after.includes(f)));
    assert.ok(before.slice(1).every((f) => after.includes(f) || files.slice(0, 3).some((x) => x.file === f)));
  });

  it('bad shard specifications are usage errors', () => {
    for (const bad of ['0/2', '3/2', 'a/b', '1', '1/0']) assert.throws(() => parseShard(bad), /--shard takes i\/n/);
    assert.deepEqual(parseShard('2/4'), { index: 2, total: 4 });
  });
});
