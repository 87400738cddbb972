// The terminal summary of a run: per runtime and file, then per anchor, counts by status.
// Pure: records in, text out. Colour is the caller's choice (a picocolors instance, or plain).

import type { RunResults, SubtestStatus } from '../records/result.ts';

export interface Colours {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const plain: Colours = { green: (s) => s, red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

const SHOWN: SubtestStatus[] = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED', 'CRASH', 'SKIP'];

function counts(statuses: SubtestStatus[], c: Colours): string {
  const n = new Map<SubtestStatus, number>();
  for (const s of statuses) n.set(s, (n.get(s) ?? 0) + 1);
  return SHOWN.filter((s) => n.has(s))
    .map((s) => {
      const text = `${n.get(s)} ${s}`;
      return s === 'PASS' ? c.green(text) : s === 'SKIP' || s === 'NOTRUN' || s === 'PRECONDITION_FAILED' ? c.yellow(text) : c.red(text);
    })
    .join(', ');
}

export function summary(results: RunResults, c: Colours = plain): string {
  const lines: string[] = [];
  for (const runtime of results.runtimes) {
    lines.push(c.bold(`${runtime.id} (${runtime.name} ${runtime.version}${runtime.impl ? `, connect from ${runtime.impl}` : ''})`));
    for (const file of results.files.filter((f) => f.runtime === runtime.id)) {
      const subtests = results.results.filter((r) => r.runtime === runtime.id && r.file === file.file);
      const fileNote = file.status === 'OK' ? '' : ` ${c.red(`[${file.status}]`)}`;
      lines.push(`  ${file.file}${fileNote}: ${counts(subtests.map((s) => s.status), c)}`);
      if (file.status !== 'OK' && file.message) lines.push(c.dim(`    ${file.message}`));
    }
    const anchors = new Map<string, SubtestStatus[]>();
    for (const r of results.results.filter((r) => r.runtime === runtime.id)) {
      for (const a of r.anchors) anchors.set(a, [...(anchors.get(a) ?? []), r.status]);
    }
    lines.push(c.dim('  by anchor:'));
    for (const [anchor, statuses] of [...anchors].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${anchor}: ${counts(statuses, c)}`);
    }
  }
  for (const u of results.unavailable ?? []) lines.push(c.yellow(`${u.name}: not run (${u.reason})`));
  return lines.join('\n');
}

/** Subtests of level `required` that did not pass (the exit-code rule until expectations exist). */
export function requiredFailures(results: RunResults) {
  return results.results.filter((r) => r.level === 'required' && r.status !== 'PASS');
}
