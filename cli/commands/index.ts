// The sub-commands, one module each, one line each here.
import type { Command } from 'commander';
import { registerRun } from './run.ts';
import { registerList } from './list.ts';
import { registerServeFixtures } from './serve-fixtures.ts';
import { registerRuntimes } from './runtimes.ts';
import { registerMerge } from './merge.ts';
import { registerReport } from './report.ts';
import { registerConformance } from './conformance.ts';
import { registerPerf } from './perf.ts';
import { registerCoverage } from './coverage.ts';
import { registerHistory } from './history.ts';
import { registerExportBcd } from './export-bcd.ts';

export const commands: ((program: Command) => void)[] = [registerRun, registerList, registerServeFixtures, registerRuntimes, registerMerge, registerReport, registerConformance, registerPerf, registerCoverage, registerHistory, registerExportBcd];
