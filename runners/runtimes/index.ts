// The runtime registry: one line per runtime. The order is the column order of reports.
import type { RuntimeAdapter } from '../runtime.ts';
import { node } from './node.ts';

export const runtimes: readonly RuntimeAdapter[] = [
  node,
];

export function findRuntime(id: string): RuntimeAdapter | undefined {
  return runtimes.find((r) => r.id === id);
}
