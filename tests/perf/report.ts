// How a perf file hands a figure to the runner, and which sizes it measures with.
import type { PerfPlan } from '../../records/channel.ts';
import type { TestContext } from '../lib/test-file.ts';
import { FIGURES, QUICK_PLAN, summarise, type FigureKey } from './figures.ts';

/** The plan `sockets-conformance perf` chose; the quick one when a perf file runs any other way. */
export const planOf = (ctx: TestContext): PerfPlan => ctx.perf ?? QUICK_PLAN;

/** Reports a figure; a value that is not a positive finite number fails the subtest instead, as
 * no figure is better than a wrong one. */
export function reportFigure(ctx: TestContext, key: FigureKey, value: number, extra: { samples?: number; note?: string } = {}): void {
  const spec = FIGURES[key];
  assert_true(Number.isFinite(value) && value > 0, `${spec.metric}: measured ${value} ${spec.unit}, not a positive finite number`);
  assert_true(typeof ctx.reportFigure === 'function', 'the harness offers no reportFigure (an old harness?)');
  ctx.reportFigure!(spec.metric, spec.unit, value, { better: spec.better, ...extra });
}

/** Reports timed steps as percentiles, or as a mean where the runtime's clock is too coarse for
 * single steps (the note says so). `scale` converts milliseconds to the figures' unit. */
export function reportLatency(
  ctx: TestContext,
  keys: { p50: FigureKey; p99?: FigureKey; mean: FigureKey },
  timesMs: readonly number[],
  scale: number,
  note?: string,
): void {
  const summary = summarise(timesMs);
  const samples = timesMs.length;
  if (summary.p50 === null) {
    reportFigure(ctx, keys.mean, summary.mean * scale, { samples, note: [summary.coarseClock, note].filter(Boolean).join('; ') });
    return;
  }
  const extra = note ? { samples, note } : { samples };
  reportFigure(ctx, keys.p50, summary.p50 * scale, extra);
  if (keys.p99) reportFigure(ctx, keys.p99, summary.p99! * scale, extra);
}
