// A run's progress as text: one line per runtime (files done of total, subtests not passing so far,
// elapsed time and an estimate of what is left) for a live display, and the plain lines written
// where nothing can be redrawn (CI logs). Pure: the state and the clock come in, text goes out;
// cli/progress.ts owns the terminal.

import type { FileRecord, ResultRecord } from '../records/result.ts';
import { isJudged } from './causes.ts';
import { padEnd } from './format.ts';
import { plain, type Colours } from './summary.ts';

export interface RuntimeProgress {
  runtime: string;
  files: number;
  done: number;
  /** Judged subtests that did not pass, so far. */
  notPassing: number;
  /** Files that did not end OK (TIMEOUT, CRASH, ERROR, ...), so far. */
  badFiles: number;
  /** When its first file started and its last one finished (ms, the caller's clock). */
  startedAt: number;
  finishedAt?: number;
}

export function newProgress(runtime: string, files: number, now: number): RuntimeProgress {
  return { runtime, files, done: 0, notPassing: 0, badFiles: 0, startedAt: now };
}

export function recordFile(p: RuntimeProgress, file: FileRecord, results: readonly ResultRecord[], now: number): void {
  p.done++;
  p.notPassing += results.filter((r) => r.status !== 'PASS' && isJudged(r)).length;
  if (file.status !== 'OK') p.badFiles++;
  if (p.done >= p.files) p.finishedAt = now;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** What is left, assumed to go at the pace so far: the longest files start first, so this errs long
 * early on. Unknown before the first file is done. */
export function estimateLeftMs(p: RuntimeProgress, now: number): number | null {
  if (p.done === 0 || p.done >= p.files) return null;
  const elapsed = now - p.startedAt;
  return (elapsed / p.done) * (p.files - p.done);
}

/** `node     12/30 files  5 not passing  8.1 s  about 12 s left`. */
export function progressLine(p: RuntimeProgress, now: number, width: number, c: Colours = plain): string {
  const count = `${String(p.done).padStart(String(p.files).length)}/${p.files} files`;
  const failing = p.notPassing === 0 ? c.green('0 not passing') : c.red(`${p.notPassing} not passing`);
  const bad = p.badFiles > 0 ? c.yellow(`, ${p.badFiles} file${p.badFiles === 1 ? '' : 's'} not OK`) : '';
  const elapsed = seconds((p.finishedAt ?? now) - p.startedAt);
  const left = estimateLeftMs(p, now);
  const tail = p.finishedAt !== undefined ? c.green('done') : left === null ? c.dim('estimating') : c.dim(`about ${seconds(left)} left`);
  return `${c.bold(padEnd(p.runtime, width))}  ${count}  ${failing}${bad}  ${elapsed}  ${tail}`;
}

/** For output that cannot be redrawn: a line for a file that did not end OK, nothing for one that did. */
export function plainFileLine(file: FileRecord): string | null {
  if (file.status === 'OK') return null;
  return `${file.runtime} ${file.file} ${file.status} ${file.durationMs} ms${file.message ? `: ${file.message.split('\n')[0]}` : ''}`;
}
