// Reading history files (sockets-conformance history) for the commands that show them.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryResults } from '../records/history.ts';
import { fromRoot } from '../runners/paths.ts';
import { UsageError } from '../runners/run.ts';

/** history.json files named on the command line (comma-separated); bad input is a usage error. */
export async function readHistoryFiles(list: string | undefined, option = '--history'): Promise<HistoryResults[]> {
  const histories: HistoryResults[] = [];
  for (const file of list?.split(',').map((s) => s.trim()).filter(Boolean) ?? []) {
    const text = await readFile(file, 'utf8').catch(() => {
      throw new UsageError(`${option} ${file}: no such file`);
    });
    let value: Partial<HistoryResults>;
    try {
      value = JSON.parse(text) as Partial<HistoryResults>;
    } catch {
      throw new UsageError(`${option} ${file}: not JSON`);
    }
    if (value.schemaVersion !== 1 || !Array.isArray(value.versions) || !Array.isArray(value.entries) || !Array.isArray(value.subtests)) {
      throw new UsageError(`${option} ${file}: not a history.json written by \`sockets-conformance history\``);
    }
    histories.push(value as HistoryResults);
  }
  return histories;
}

/** The histories kept in the repository (history/<runtime>.json), for CONFORMANCE.md and the HTML report. */
export async function readRepositoryHistories(): Promise<HistoryResults[]> {
  const dir = fromRoot('history');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  return readHistoryFiles(names.map((n) => path.join(dir, n)).join(','), 'history/');
}
