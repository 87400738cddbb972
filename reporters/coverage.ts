// Spec coverage for spec editors: for each catalogue entry, the subtests that check it and what each
// runtime did with them. Entries that no subtest covers come first: they are the work left to do.

import { DRAFT } from '../records/draft.ts';
import type { Level, RunResults, SubtestStatus, UpstreamReport } from '../records/result.ts';
import { anchorUrl, mdCell, type SuiteIndex } from './format.ts';
import { plain, type Colours } from './summary.ts';
import { upstreamLinks } from './known-bugs.ts';

export interface CoverageEntry {
  id: string;
  anchor: string;
  level: Level;
  statement: string;
  subtests: { file: string; name: string; results: Record<string, SubtestStatus | null>; upstream?: readonly UpstreamReport[] }[];
}

export interface Coverage {
  runtimes: string[];
  /** Uncovered entries first, then covered ones, each group in catalogue order. */
  entries: CoverageEntry[];
  uncovered: number;
}

export function buildCoverage(index: SuiteIndex, results?: RunResults): Coverage {
  const runtimes = results?.runtimes.map((r) => r.id) ?? [];
  const status = new Map<string, SubtestStatus>();
  for (const r of results?.results ?? []) status.set(`${r.runtime}\u0000${r.file}\u0000${r.test}`, r.status);
  const entries: CoverageEntry[] = index.requirements.map((req) => ({
    id: req.id,
    anchor: req.anchor,
    level: req.level,
    statement: req.statement,
    subtests: index.files.flatMap((f) =>
      f.subtests
        .filter((s) => s.requirements.includes(req.id))
        .map((s) => ({
          file: f.file,
          name: s.name,
          results: Object.fromEntries(runtimes.map((id) => [id, status.get(`${id}\u0000${f.file}\u0000${s.name}`) ?? null])),
          ...(s.upstream && s.upstream.length > 0 ? { upstream: s.upstream } : {}),
        })),
    ),
  }));
  const uncovered = entries.filter((e) => e.subtests.length === 0);
  return { runtimes, entries: [...uncovered, ...entries.filter((e) => e.subtests.length > 0)], uncovered: uncovered.length };
}

const statusText = (s: SubtestStatus | null) => s ?? 'not run';

export function coverageText(cov: Coverage, c: Colours = plain): string {
  const out = [c.bold(`${cov.entries.length - cov.uncovered} of ${cov.entries.length} catalogue entries have a test; ${cov.uncovered} have none`)];
  for (const e of cov.entries) {
    out.push(`${e.subtests.length === 0 ? c.red('NO TEST') : c.green(`${e.subtests.length} test${e.subtests.length === 1 ? '' : 's'}`)} ${e.id} [${e.level}] ${c.dim(e.anchor)}`);
    out.push(c.dim(`    ${e.statement}`));
    for (const s of e.subtests) {
      const per = cov.runtimes.map((id) => {
        const st = s.results[id] ?? null;
        const text = `${id}=${statusText(st)}`;
        return st === 'PASS' ? c.green(text) : st === null ? c.dim(text) : c.red(text);
      });
      out.push(`    ${s.file} "${s.name}"${per.length ? `  ${per.join(' ')}` : ''}`);
    }
  }
  return out.join('\n');
}

export function coverageMarkdown(cov: Coverage): string {
  const out = [
    '# Spec coverage',
    '',
    `${cov.entries.length - cov.uncovered} of ${cov.entries.length} catalogue entries (tests/requirements.ts) are checked by at least one subtest; the ${cov.uncovered} without a test are listed first.`,
    `The catalogue follows the draft ${DRAFT.repository}@${DRAFT.commit} (${DRAFT.date}).`,
    '',
    `| entry | level | statement | subtests${cov.runtimes.map((id) => ` | ${mdCell(id)}`).join('')} |`,
    `| --- | --- | --- | ---${cov.runtimes.map(() => ' | ---').join('')} |`,
  ];
  for (const e of cov.entries) {
    const head = `[${mdCell(e.id)}](${anchorUrl(e.anchor)}) | ${e.level} | ${mdCell(e.statement)}`;
    if (e.subtests.length === 0) {
      out.push(`| ${head} | **no test**${cov.runtimes.map(() => ' | ').join('')} |`);
      continue;
    }
    for (const s of e.subtests) out.push(`| ${head} | \`${mdCell(s.file)}\`: ${mdCell(s.name)}${s.upstream ? ` (${upstreamLinks(s)})` : ''}${cov.runtimes.map((id) => ` | ${statusText(s.results[id] ?? null)}`).join('')} |`);
  }
  return out.join('\n') + '\n';
}
