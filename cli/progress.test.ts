// Progress output (cli/progress.ts, reporters/progress.ts) on a fake stream and a fake clock: on a
// terminal one line per runtime redrawn in place, with files done, subtests not passing, elapsed and
// an estimate; elsewhere plain lines only for files that did not end OK and for each finished runtime.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileRecord, ResultRecord } from '../records/result.ts';
import { plain } from '../reporters/summary.ts';
import { progress } from './progress.ts';

function fakeStream(columns = 100) {
  const chunks: string[] = [];
  return { stream: { isTTY: true, columns, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream, chunks };
}
const file = (runtime: string, status: FileRecord['status'] = 'OK'): FileRecord => ({ runtime, file: 'a.any.ts', status, message: status === 'OK' ? null : 'it hung', durationMs: 5 });
const sub = (status: ResultRecord['status'], level: ResultRecord['level'] = 'required'): ResultRecord => ({ runtime: 'node', file: 'a.any.ts', test: 't', anchors: [], level, status, message: null, durationMs: 1 });

describe('progress', () => {
  it('on a terminal, redraws one line per runtime with files, failures, elapsed and an estimate', () => {
    const { stream, chunks } = fakeStream();
    let t = 0;
    const p = progress(stream, plain, { live: true, now: () => t });
    p.onStart([{ runtime: 'node', files: 4 }, { runtime: 'workerd', files: 4 }]);
    t = 2000;
    p.onFile(file('node'), [sub('PASS'), sub('FAIL'), sub('FAIL', 'informational')]);
    const last = chunks.at(-1)!;
    assert.equal(chunks.at(-2), '\x1b[2A\r\x1b[J', 'the two lines drawn before are erased first');
    assert.equal(last, 'node      1/4 files  1 not passing  2.0 s  about 6.0 s left\nworkerd   0/4 files  0 not passing  2.0 s  estimating\n');
    p.notice('interop tier: no PostgreSQL');
    assert.deepEqual(chunks.slice(-3).map((c) => c.split('\n')[0]), ['\x1b[2A\r\x1b[J', 'interop tier: no PostgreSQL', 'node      1/4 files  1 not passing  2.0 s  about 6.0 s left'], 'a notice goes above the live lines');
    for (let i = 0; i < 3; i++) p.onFile(file('node', i === 2 ? 'TIMEOUT' : 'OK'), []);
    t = 3000;
    p.stop();
    assert.match(chunks.at(-1)!, /^node {6}4\/4 files {2}1 not passing, 1 file not OK {2}2\.0 s {2}done\nworkerd {3}0\/4 files {2}0 not passing {2}3\.0 s {2}estimating\n$/);
    const written = chunks.length;
    p.stop();
    assert.equal(chunks.length, written, 'a second stop draws nothing');
  });

  it('never draws a line wider than the terminal', () => {
    const { stream, chunks } = fakeStream(30);
    const p = progress(stream, plain, { live: true, now: () => 0 });
    p.onStart([{ runtime: 'node', files: 120 }]);
    p.stop();
    for (const line of chunks.join('').split('\n')) assert.ok(line.replace(/\x1b\[[0-9;]*[A-Za-z]|\r/g, '').length < 30, line);
  });

  it('elsewhere, prints plain lines: the plan, files that did not end OK, and each runtime once it is done', () => {
    const { stream, chunks } = fakeStream();
    let t = 0;
    const p = progress(stream, plain, { live: false, now: () => t });
    p.onStart([{ runtime: 'node', files: 2 }]);
    p.onFile(file('node'), [sub('FAIL')]);
    t = 1500;
    p.onFile(file('node', 'CRASH'), []);
    p.stop();
    assert.deepEqual(chunks.join('').split('\n'), [
      'running node (2 files)',
      'node a.any.ts CRASH 5 ms: it hung',
      'node      2/2 files  1 not passing, 1 file not OK  1.5 s  done',
      '',
    ]);
    assert.ok(!chunks.join('').includes('\x1b'), 'no control sequences outside a terminal');
  });
});
