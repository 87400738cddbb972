import type { Command } from 'commander';
import { Option } from 'commander';
import type { PerfRecord, RunResults } from '../../records/result.ts';
import { runPerf } from '../../runners/perf.ts';
import { FIGURES } from '../../tests/perf/figures.ts';
import { writeReports } from '../write-reports.ts';
import { colours } from '../colours.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { progress } from '../progress.ts';
import { positiveNumber } from '../numbers.ts';
import { prepareOutDir } from '../out-dir.ts';

interface PerfFlags {
  runtime?: string;
  impl?: string;
  quick?: boolean;
  timeoutMultiplier?: number;
  out: string;
}

export function registerPerf(program: Command): void {
  program
    .command('perf')
    .description('informational performance figures per runtime, through its connect(), beside bare node:net / node:tls')
    .option('--runtime <ids>', 'runtime(s) to measure, comma-separated (default: every runtime available here)')
    .option('--impl <path>', 'an ES module exporting connect(), measured instead of the runtime\'s own')
    .option('--quick', 'measure on less (8 MiB, 1,000 round trips, 200 connections, 20 handshakes): for CI')
    .addOption(new Option('--timeout-multiplier <n>', 'multiplies every file timeout (slow machines)').argParser(positiveNumber('--timeout-multiplier')))
    .option('--out <dir>', 'where results.json (with its perf records) and the reports are written', 'out/perf')
    .action(async (opts: PerfFlags, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      await prepareOutDir(opts.out);
      const interrupt = interruptOnSignals();
      const shown = progress(process.stderr, colours(process.stderr, command.optsWithGlobals().color !== false));
      try {
        const results = await runPerf({
          runtimes: opts.runtime?.split(',').map((s) => s.trim()).filter(Boolean),
          impl: opts.impl,
          quick: opts.quick,
          timeoutMultiplier: opts.timeoutMultiplier,
          signal: interrupt.signal,
          onBaseline: (_baseline, error) => {
            if (error) process.stderr.write(c.yellow(`no baseline: ${error}\n`));
          },
          onStart: shown.onStart,
          onFile: shown.onFile,
        });
        shown.stop();
        const [written] = await writeReports(results, opts.out, { formats: ['json', 'conformance', 'markdown', 'html'] });
        process.stdout.write(perfTable(results) + '\n');
        process.stdout.write(`informational figures, never pass / fail; results in ${written}\n`);
        // Measurements are not judged: only an interrupted run or a usage error changes the exit code.
        process.exitCode = interrupt.signal.aborted ? 130 : 0;
      } finally {
        shown.stop();
        interrupt.dispose();
      }
    });
}

const num = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One row per figure, one column per runtime (value and ratio to node:net), then the baseline;
 * below it the figures a runtime could not produce, with the reason its subtest gave. */
export function perfTable(results: RunResults): string {
  const perf = results.perf ?? [];
  const runtimes = results.runtimes.map((r) => r.id);
  const find = (runtime: string, metric: string): PerfRecord | undefined => perf.find((p) => p.runtime === runtime && p.metric === metric);
  const rows: string[][] = [['figure', 'unit', ...runtimes, 'node:net / node:tls']];
  const notes = new Map<string, string[]>();
  for (const spec of Object.values(FIGURES)) {
    const records = perf.filter((p) => p.metric === spec.metric);
    if (records.length === 0) continue;
    const baseline = records.find((p) => p.baseline !== undefined)?.baseline;
    rows.push([
      spec.metric,
      spec.unit,
      ...runtimes.map((id) => {
        const r = find(id, spec.metric);
        return r ? `${num(r.value)}${r.ratio !== undefined ? ` (${r.ratio.toFixed(2)}x)` : ''}` : '-';
      }),
      baseline !== undefined ? num(baseline) : '-',
    ]);
    for (const r of records) {
      if (!r.note) continue;
      const key = `${spec.metric}: ${r.note}`;
      notes.set(key, [...(notes.get(key) ?? []), r.runtime]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('', 'ratio = runtime / bare node in the same run: above 1 is better for MiB/s and conn/s, worse for µs and ms.');
  const missing = results.results.filter((r) => r.status !== 'PASS');
  if (missing.length > 0) {
    lines.push('', 'not measured:');
    for (const r of missing) lines.push(`  ${r.runtime}: ${r.test}: ${r.status}${r.message ? ` (${r.message})` : ''}`);
  }
  const broken = results.files.filter((f) => f.status !== 'OK');
  for (const f of broken) lines.push(`  ${f.runtime}: ${f.file}: ${f.status}${f.message ? ` (${f.message})` : ''}`);
  if (notes.size > 0) {
    lines.push('', 'notes:');
    for (const [note, who] of notes) lines.push(`  ${note} [${who.join(', ')}]`);
  }
  return lines.join('\n');
}
