// "Known bugs reproduced": the table an implementer reads first. Every subtest that stands for a bug
// reported upstream (its record carries `upstream`), grouped by report, with what each runtime came to
// and which runtimes still show the bug. Judged subtests show the bug when they do not pass;
// informational ones are never judged, so their cell is the observation itself.

import { isJudgedLevel, type ResultRecord, type RunResults, type UpstreamReport } from '../records/result.ts';
import { mdCell } from './format.ts';

export interface KnownBug {
  report: UpstreamReport;
  subtests: {
    file: string;
    test: string;
    level: ResultRecord['level'];
    /** Per runtime id: its record, or null when it did not run the subtest. */
    observed: Record<string, ResultRecord | null>;
  }[];
  /** Runtimes on which a judged subtest of this report did not pass. */
  shownBy: string[];
}

const reportKey = (r: UpstreamReport) => `${r.repository}#${r.number}`;

/** Required and optional subtests are judged; any other level only observes. */
const judged = (record: Pick<ResultRecord, 'level'>) => isJudgedLevel(record.level);

/** Whether a record shows the bug its subtest reproduces: a judged subtest that did not pass. */
export function showsBug(record: ResultRecord): boolean {
  return judged(record) && record.status !== 'PASS' && record.status !== 'SKIP';
}

export function knownBugs(results: RunResults): KnownBug[] {
  const ids = results.runtimes.map((r) => r.id);
  const bugs = new Map<string, KnownBug>();
  for (const record of results.results) {
    for (const report of record.upstream ?? []) {
      const bug = bugs.get(reportKey(report)) ?? { report, subtests: [], shownBy: [] };
      bugs.set(reportKey(report), bug);
      let sub = bug.subtests.find((s) => s.file === record.file && s.test === record.test);
      if (!sub) {
        sub = { file: record.file, test: record.test, level: record.level, observed: Object.fromEntries(ids.map((id) => [id, null])) };
        bug.subtests.push(sub);
      }
      sub.observed[record.runtime] = record;
      if (showsBug(record) && !bug.shownBy.includes(record.runtime)) bug.shownBy.push(record.runtime);
    }
  }
  for (const bug of bugs.values()) bug.shownBy.sort((a, b) => ids.indexOf(a) - ids.indexOf(b));
  return [...bugs.values()].sort((a, b) => a.report.repository.localeCompare(b.report.repository) || a.report.number - b.report.number);
}

/** `[owner/name#n](url)` for each report of a record, comma separated; empty when it has none. */
export function upstreamLinks(record: { upstream?: readonly UpstreamReport[] }): string {
  return (record.upstream ?? []).map((r) => `[${r.repository}#${r.number}](${r.url})`).join(', ');
}

/** Cells stay short: the full message is in the regression tier's own table and the HTML report. */
const CELL_CHARS = 140;

function cell(record: ResultRecord | null): string {
  if (!record) return 'not run';
  const line = record.message?.split('\n')[0] ?? '';
  const first = line.length > CELL_CHARS ? `${line.slice(0, CELL_CHARS - 1)}…` : line;
  if (!judged(record)) return mdCell(first ? `observed: ${first}` : 'observed');
  if (record.status === 'PASS') return 'not shown';
  return mdCell(`**shown** (${record.status}${first ? `: ${first}` : ''})`);
}

/** The section as Markdown lines; nothing when the run has no subtest with an upstream report. */
export function knownBugsMarkdown(results: RunResults): string[] {
  const bugs = knownBugs(results);
  if (bugs.length === 0) return [];
  const ids = results.runtimes.map((r) => r.id);
  const out = [
    '## Known bugs reproduced',
    '',
    'Bugs reported against connect() implementations and the clients built on them, each reproduced by a subtest on loopback.',
    '"shown" means the runtime still has the bug (a required or optional subtest that did not pass); informational subtests are never judged and show what the runtime did.',
    '',
    `| report | still shown by | subtest | level | ${ids.map(mdCell).join(' | ')} |`,
    `| --- | --- | --- | --- | ${ids.map(() => '---').join(' | ')} |`,
  ];
  for (const bug of bugs) {
    const head = `[${mdCell(`${bug.report.repository}#${bug.report.number}`)}](${bug.report.url}): ${mdCell(bug.report.title)}`;
    const shown = !bug.subtests.some(judged) ? 'not judged' : bug.shownBy.length > 0 ? bug.shownBy.join(', ') : 'none';
    for (const [i, sub] of bug.subtests.entries()) {
      out.push(`| ${i === 0 ? head : ''} | ${i === 0 ? shown : ''} | \`${mdCell(sub.file)}\`: ${mdCell(sub.test)} | ${sub.level} | ${ids.map((id) => cell(sub.observed[id] ?? null)).join(' | ')} |`);
    }
  }
  out.push('');
  return out;
}
