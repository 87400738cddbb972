// Where outputs go: every reporter's text written into one folder. The reporters only format; this
// module alone touches the file system for them, so `run --out` and `report --from` write the same.

import type { HistoryResults } from '../records/history.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeResults } from '../records/io.ts';
import type { LoadedExpectations } from '../records/expectations.ts';
import type { RunResults } from '../records/result.ts';
import { expectationLookup } from '../reporters/causes.ts';
import { badgeEndpointJson, badges, badgeSvg } from '../reporters/badges.ts';
import { conformanceMarkdown } from '../reporters/conformance.ts';
import { buildCoverage, coverageMarkdown } from '../reporters/coverage.ts';
import type { SuiteIndex } from '../reporters/format.ts';
import { htmlReport } from '../reporters/html.ts';
import { junitXml } from '../reporters/junit.ts';
import { markdownReport } from '../reporters/markdown.ts';
import { wptReportJson } from '../reporters/wptreport.ts';
import { discoverTestFiles } from '../runners/discover.ts';
import { UsageError } from '../runners/run.ts';
import { requirements, SPEC_ANCHORS } from '../tests/requirements.ts';

export const FORMATS = ['json', 'wptreport', 'junit', 'markdown', 'coverage', 'conformance', 'html', 'badges'] as const;
export type Format = (typeof FORMATS)[number];

export interface WriteOptions {
  formats?: readonly Format[];
  /** Histories for the HTML report's timeline and CONFORMANCE.md's History section. */
  histories?: readonly HistoryResults[];
  /** The suite's catalogue and files; read from this checkout when not given. */
  index?: SuiteIndex;
  /** The expectations files of the run: their reasons name the causes of failures in every report,
   * and the HTML report shows each subtest's entry. */
  expectations?: ReadonlyMap<string, LoadedExpectations>;
  /** `--source-url`: where the HTML report links a test file's source ({path}, {file}). */
  sourceUrl?: string;
}

/** A `--source-url` template must name the file, or every link would point at the same page. */
export function checkSourceUrl(template: string | undefined): void {
  if (template === undefined) return;
  if (!template.includes('{path}') && !template.includes('{file}')) throw new UsageError(`--source-url ${template}: the template needs {path} (tests/<file>) or {file} (<file>)`);
  if (!/^(https?:\/\/|\.{0,2}\/)/.test(template)) throw new UsageError(`--source-url ${template}: give an http(s) address or a relative path`);
}

/** The catalogue and the declared subtests of every test file, for coverage. */
export async function suiteIndex(): Promise<SuiteIndex> {
  const files = await discoverTestFiles();
  return {
    anchors: SPEC_ANCHORS,
    requirements,
    files: files.map((f) => ({ file: f.file, title: f.meta.title, subtests: f.subtests })),
  };
}

/** Writes the chosen outputs (default: all) into `dir`; returns the paths written. */
export async function writeReports(results: RunResults, dir: string, options: WriteOptions = {}): Promise<string[]> {
  const formats = new Set(options.formats ?? FORMATS);
  const index = formats.has('coverage') || formats.has('html') ? (options.index ?? (await suiteIndex())) : options.index;
  const anchorOrder = SPEC_ANCHORS;
  const expectations = expectationLookup(options.expectations);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    written.push(file);
  };
  if (formats.has('json')) written.push(await writeResults(dir, results));
  if (formats.has('wptreport')) {
    for (const r of results.runtimes) await put(`wptreport-${safeName(r.id)}.json`, wptReportJson(results, r.id, { os: results.host?.os ?? os.platform() }));
  }
  if (formats.has('junit')) await put('junit.xml', junitXml(results));
  if (formats.has('markdown')) await put('report.md', markdownReport(results, { anchorOrder, expectations }));
  if (formats.has('coverage')) await put('coverage.md', coverageMarkdown(buildCoverage(index!, results)));
  if (formats.has('conformance')) await put('CONFORMANCE.md', conformanceMarkdown(results, { anchorOrder, expectations, histories: options.histories ? [...options.histories] : undefined }));
  if (formats.has('html')) await put('report.html', htmlReport(results, { anchorOrder, index, expectations, sourceUrl: options.sourceUrl, histories: options.histories }));
  if (formats.has('badges')) {
    for (const b of badges(results)) {
      await put(`badges/${safeName(b.runtime)}.svg`, badgeSvg(b));
      await put(`badges/${safeName(b.runtime)}.json`, badgeEndpointJson(b));
    }
  }
  return written;
}

/** Row ids may carry `+` and an impl's module name; keep file names portable. */
const safeName = (id: string) => id.replace(/[^A-Za-z0-9._+-]/g, '_');
