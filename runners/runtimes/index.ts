// The runtime registry: one line per runtime. The order is the column order of reports.
import type { RuntimeAdapter } from '../runtime.ts';
import { bun } from './bun.ts';
import { deno } from './deno.ts';
import { node } from './node.ts';
import { workerd } from './workerd.ts';
import { miniflare, miniflareCa } from './miniflare.ts';

export const runtimes: readonly RuntimeAdapter[] = [
  node,
  deno,
  bun,
  workerd,
  miniflare,
  miniflareCa,
];

export function findRuntime(id: string): RuntimeAdapter | undefined {
  return runtimes.find((r) => r.id === id);
}
