// wptreport.json, the format wpt.fyi ingests: one report per runtime row. A plain function from
// records to JSON; wpt's vocabulary is mapped here and nowhere else.

import type { FileStatus, RunResults, SubtestStatus } from '../records/result.ts';
import { draftText } from './format.ts';

export interface WptSubtest {
  name: string;
  status: 'PASS' | 'FAIL' | 'TIMEOUT' | 'NOTRUN' | 'PRECONDITION_FAILED' | 'ERROR' | 'SKIP';
  message: string | null;
}

export interface WptResult {
  test: string;
  status: 'OK' | 'ERROR' | 'TIMEOUT' | 'CRASH' | 'PRECONDITION_FAILED' | 'SKIP';
  message: string | null;
  duration: number;
  subtests: WptSubtest[];
}

export interface WptReport {
  run_info: {
    product: string;
    browser_version: string;
    os: string;
    revision: string;
    [extra: string]: unknown;
  };
  time_start: number;
  time_end: number;
  results: WptResult[];
}

/** wpt has no subtest CRASH (a crash belongs to the whole test): the subtests a dying runtime left
 * unfinished become ERROR, and the file itself carries CRASH. */
const SUBTEST: Record<SubtestStatus, WptSubtest['status']> = {
  PASS: 'PASS', FAIL: 'FAIL', TIMEOUT: 'TIMEOUT', NOTRUN: 'NOTRUN', PRECONDITION_FAILED: 'PRECONDITION_FAILED', CRASH: 'ERROR', SKIP: 'SKIP',
};
const FILE: Record<FileStatus, WptResult['status']> = {
  OK: 'OK', ERROR: 'ERROR', TIMEOUT: 'TIMEOUT', PRECONDITION_FAILED: 'PRECONDITION_FAILED', CRASH: 'CRASH',
};

export interface WptOptions {
  /** The OS the run happened on (wpt.fyi requires one); results.json does not record it. */
  os?: string;
}

/** wpt test ids are paths from the suite root; ours are relative to tests/. */
export const wptTestId = (file: string) => `/${file}`;

export function wptReport(results: RunResults, runtimeId: string, options: WptOptions = {}): WptReport {
  const runtime = results.runtimes.find((r) => r.id === runtimeId);
  if (!runtime) throw new Error(`no runtime "${runtimeId}" in these results`);
  const plus = results.suiteVersion.indexOf('+');
  return {
    run_info: {
      // wpt.fyi keys runs by product; the row id keeps `node` and `node+my-impl` apart.
      product: runtime.id,
      browser_version: runtime.version,
      // The records do not say which OS they ran on; the caller knows (or says 'unknown').
      os: options.os ?? 'unknown',
      revision: plus >= 0 ? results.suiteVersion.slice(plus + 1) : results.suiteVersion,
      runtime: runtime.name,
      impl: runtime.impl,
      suite_version: results.suiteVersion,
      draft: draftText(results),
      ...(runtime.details ? { details: runtime.details } : {}),
    },
    time_start: Date.parse(results.startedAt),
    time_end: Date.parse(results.finishedAt),
    results: results.files
      .filter((f) => f.runtime === runtimeId)
      .map((f) => ({
        test: wptTestId(f.file),
        status: FILE[f.status],
        message: f.message,
        duration: Math.round(f.durationMs),
        subtests: results.results
          .filter((r) => r.runtime === runtimeId && r.file === f.file)
          .map((r) => ({ name: r.test, status: SUBTEST[r.status], message: r.message })),
      })),
  };
}

export const wptReportJson = (results: RunResults, runtimeId: string, options?: WptOptions) =>
  JSON.stringify(wptReport(results, runtimeId, options), null, 2) + '\n';
