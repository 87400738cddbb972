// Proof that each test can pass and can fail: the suite runs on the reference connect() and on every
// deliberately broken one (fixtures/broken/), and the table says which subtests caught
// which breakage (in node, see SENSITIVITY_RUNTIME). `npm run check:sensitivity` prints it and fails when
//   - a required, optional or tentative subtest does not pass on the reference (it cannot pass, or
//     the reference is wrong),
//   - a broken implementation is caught by no subtest (the suite misses that rule),
//   - a required subtest is caught by no broken implementation (nothing shows it can fail).

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fixtures } from '../echo-server/index.ts';
import { startFixtures } from '../echo-server/index.ts';
import type { ResultRecord, RunResults } from '../records/result.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { fromRoot } from '../runners/paths.ts';
import { run } from '../runners/run.ts';

/** Where the reference and the broken implementations run: node, the runtime they were written
 * and checked on. (Bun starts faster, but there the "must not happen" window of the allowHalfOpen
 * true test missed closed-on-fin-half-open once in a CI run, so bun is not the default.) */
export const SENSITIVITY_RUNTIME = process.env.SOCKETS_CONFORMANCE_SENSITIVITY_RUNTIME ?? 'node';

export interface BrokenImpl {
  name: string;
  path: string;
  /** Catalogue ids its header says it breaks (`// breaks: a, b`). */
  claims: string[];
}

export interface SensitivityReport {
  reference: RunResults;
  /** Subtest key (`file :: test`) → names of the broken implementations that failed it. */
  caughtBy: Map<string, string[]>;
  /** Broken implementation → subtest keys that caught it. */
  catches: Map<string, string[]>;
  /** Broken implementation → claimed ids that no catching subtest covers. */
  unconfirmedClaims: Map<string, string[]>;
  problems: string[];
  subtests: { key: string; level: ResultRecord['level']; requirements: string[] }[];
}

const key = (r: { file: string; test: string }) => `${r.file} :: ${r.test}`;
// Tentative subtests are never judged in a run, but the reference implements their proposals, so
// they too must be shown able to pass and to fail.
const judged = (r: ResultRecord) => r.level === 'required' || r.level === 'optional' || r.level === 'tentative';

export async function listBrokenImpls(dir = fromRoot('fixtures/broken')): Promise<BrokenImpl[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.ts')).sort();
  return Promise.all(
    names.map(async (n) => {
      const text = await readFile(path.join(dir, n), 'utf8');
      const claims = /^\/\/ breaks: (.+)$/m.exec(text)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
      return { name: n.replace(/\.ts$/, ''), path: path.join(dir, n), claims };
    }),
  );
}

export async function checkSensitivity(options: { jobs?: number; runtime?: string; onImpl?: (name: string) => void } = {}): Promise<SensitivityReport> {
  // The spec tier only: interop scenarios test libraries, not single rules.
  const files = (await discoverTestFiles()).filter((f) => (f.meta as { tier?: string }).tier !== 'interop' && (f.meta as { tier?: string }).tier !== 'perf');
  const broken = await listBrokenImpls();
  let fixtures: Fixtures | undefined;
  try {
    fixtures = await startFixtures();
    const common = { files, runtimes: [options.runtime ?? SENSITIVITY_RUNTIME], fixtures: fixtures.addresses, jobs: options.jobs ?? 2 };
    options.onImpl?.('reference');
    const reference = await run({ ...common, impl: fromRoot('fixtures/reference/index.ts') });
    const passedOnReference = new Set(reference.results.filter((r) => r.status === 'PASS').map(key));
    const caughtBy = new Map<string, string[]>();
    const catches = new Map<string, string[]>();
    const unconfirmedClaims = new Map<string, string[]>();
    const problems: string[] = [];
    for (const r of reference.results.filter((r) => judged(r) && r.status !== 'PASS')) {
      problems.push(`does not pass on the reference (${r.level}): ${key(r)}: ${r.status} ${r.message ?? ''}`.trim());
    }
    // One implementation at a time, two processes: a "must not happen" window is one round trip,
    // and heavier CPU contention can let a broken implementation's late reaction slip past it.
    const runs = new Map<string, RunResults>();
    for (const impl of broken) {
      options.onImpl?.(impl.name);
      runs.set(impl.name, await run({ ...common, impl: impl.path }));
    }
    for (const impl of broken) {
      const caught = runs.get(impl.name)!.results.filter((r) => judged(r) && passedOnReference.has(key(r)) && r.status !== 'PASS');
      catches.set(impl.name, caught.map(key));
      for (const r of caught) caughtBy.set(key(r), [...(caughtBy.get(key(r)) ?? []), impl.name]);
      if (caught.length === 0) problems.push(`caught by no subtest: fixtures/broken/${impl.name}.ts`);
      const covered = new Set(caught.flatMap((r) => r.requirements ?? []));
      const unconfirmed = impl.claims.filter((id) => !covered.has(id));
      if (unconfirmed.length > 0) unconfirmedClaims.set(impl.name, unconfirmed);
    }
    const subtests = reference.results.map((r) => ({ key: key(r), level: r.level, requirements: r.requirements ?? [] }));
    for (const s of subtests.filter((s) => s.level === 'required' && !caughtBy.has(s.key))) {
      problems.push(`required subtest caught by no broken implementation: ${s.key}`);
    }
    return { reference, caughtBy, catches, unconfirmedClaims, problems, subtests };
  } finally {
    await fixtures?.stop();
  }
}

export function formatSensitivity(report: SensitivityReport): string {
  const lines: string[] = ['broken implementation × subtests that caught it (passed on the reference, failed on the broken one)', ''];
  for (const [impl, caught] of report.catches) {
    lines.push(`${impl}: ${caught.length} subtest(s)`);
    for (const k of caught) lines.push(`    ${k}`);
    const unconfirmed = report.unconfirmedClaims.get(impl);
    if (unconfirmed) lines.push(`    (claims ${unconfirmed.join(', ')}, which no catching subtest covers)`);
  }
  const required = report.subtests.filter((s) => s.level === 'required');
  const killed = required.filter((s) => report.caughtBy.has(s.key)).length;
  const judgedOnes = report.subtests.filter((s) => s.level === 'required' || s.level === 'optional');
  lines.push('');
  lines.push(`reference: ${report.reference.results.filter((r) => r.status === 'PASS').length}/${report.reference.results.length} subtests pass (${judgedOnes.length} required or optional)`);
  lines.push(`broken implementations: ${report.catches.size}, each caught by at least one subtest: ${[...report.catches.values()].filter((c) => c.length > 0).length}`);
  lines.push(`required subtests killed by some broken implementation: ${killed}/${required.length} (${required.length ? ((100 * killed) / required.length).toFixed(0) : 0}%)`);
  if (report.problems.length > 0) {
    lines.push('', `${report.problems.length} problem(s):`);
    for (const p of report.problems) lines.push(`  - ${p}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await checkSensitivity({ onImpl: (name) => process.stderr.write(`running the suite on ${name}\n`) });
  process.stdout.write(formatSensitivity(report) + '\n');
  process.exitCode = report.problems.length > 0 ? 1 : 0;
}
