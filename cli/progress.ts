// Progress on stderr while runtimes run. On a terminal: one line per runtime, redrawn in place as
// files finish and once a second (files done / total, subtests not passing so far, elapsed, an
// estimate of what is left). Anywhere else (CI logs, a pipe, a file): plain lines that never need
// redrawing: one per file that did not end OK and one per runtime when its last file is done.
// The text comes from reporters/progress.ts; this module owns the terminal.

import type { FileRecord, ResultRecord } from '../records/result.ts';
import { newProgress, plainFileLine, progressLine, recordFile, type RuntimeProgress } from '../reporters/progress.ts';
import { plain, type Colours } from '../reporters/summary.ts';

export interface Progress {
  onStart(plan: { runtime: string; files: number }[]): void;
  onFile(file: FileRecord, results: ResultRecord[]): void;
  /** A line about the run itself (e.g. a missing server), shown above the live lines. */
  notice(line: string): void;
  /** The last redraw; the lines stay on screen. */
  stop(): void;
}

/** Live only on a terminal that can move its cursor; CI sets CI, and some CI systems fake a TTY. */
export const canRedraw = (stream: NodeJS.WriteStream) => stream.isTTY === true && process.env.TERM !== 'dumb' && !process.env.CI;

export function progress(stream: NodeJS.WriteStream, c: Colours, options: { live?: boolean; now?: () => number } = {}): Progress {
  const live = options.live ?? canRedraw(stream);
  const now = options.now ?? (() => performance.now());
  let rows: RuntimeProgress[] = [];
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const width = () => Math.max(8, ...rows.map((r) => r.runtime.length));

  const fit = (row: RuntimeProgress) => {
    // A line wider than the terminal wraps and breaks the count of lines to redraw: then uncoloured
    // and cut (colour codes have no width but would be cut mid-sequence).
    const columns = stream.columns || 120;
    const text = progressLine(row, now(), width(), plain);
    return text.length < columns ? progressLine(row, now(), width(), c) : text.slice(0, columns - 1);
  };
  const erase = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    erase();
    if (rows.length === 0) return;
    stream.write(rows.map((r) => `${fit(r)}\n`).join(''));
    drawn = rows.length;
  };

  return {
    onStart(plan) {
      rows = plan.map((p) => newProgress(p.runtime, p.files, now()));
      if (live) {
        draw();
        timer ??= setInterval(draw, 1000);
        timer.unref();
      } else {
        stream.write(c.dim(`running ${plan.map((p) => `${p.runtime} (${p.files} files)`).join(', ')}\n`));
      }
    },
    onFile(file, results) {
      const row = rows.find((r) => r.runtime === file.runtime);
      if (!row) return;
      recordFile(row, file, results, now());
      if (live) return draw();
      const line = plainFileLine(file);
      if (line) stream.write(c.yellow(`${line}\n`));
      if (row.finishedAt !== undefined) stream.write(`${progressLine(row, now(), width(), c)}\n`);
    },
    notice(line) {
      if (live) erase();
      stream.write(c.yellow(`${line}\n`));
      if (live) draw();
    },
    stop() {
      // Once per run: a second call (the command's finally) must not draw the lines again below
      // what was printed since.
      if (live && drawn > 0) draw();
      if (timer) clearInterval(timer);
      timer = undefined;
      drawn = 0;
    },
  };
}
