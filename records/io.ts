// Reading and writing results.json. Reading checks the shape enough that a reporter never meets a
// half-formed record; a bad file is one clear error, not a crash deep in a reporter.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type RunResults } from './result.ts';

export const RESULTS_FILE = 'results.json';

export class RecordsError extends Error {
  override name = 'RecordsError';
}

export async function writeResults(dir: string, results: RunResults): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, RESULTS_FILE);
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

export async function readResults(dirOrFile: string): Promise<RunResults> {
  const file = dirOrFile.endsWith('.json') ? dirOrFile : path.join(dirOrFile, RESULTS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new RecordsError(`${file}: cannot be read (is it the output folder of a run?)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecordsError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return checkResults(value, file);
}

export function checkResults(value: unknown, where: string): RunResults {
  const v = value as Partial<RunResults>;
  if (!v || typeof v !== 'object') throw new RecordsError(`${where}: not a results object`);
  if (v.schemaVersion !== SCHEMA_VERSION) throw new RecordsError(`${where}: schemaVersion ${String(v.schemaVersion)} is not ${SCHEMA_VERSION}`);
  for (const key of ['runtimes', 'results', 'files'] as const) {
    if (!Array.isArray(v[key])) throw new RecordsError(`${where}: "${key}" must be an array`);
  }
  v.results!.forEach((r, i) => {
    for (const key of ['runtime', 'file', 'test', 'status', 'level'] as const) {
      if (typeof r[key] !== 'string') throw new RecordsError(`${where}: results[${i}].${key} must be a string`);
    }
    if (!Array.isArray(r.anchors)) throw new RecordsError(`${where}: results[${i}].anchors must be an array`);
  });
  return v as RunResults;
}
