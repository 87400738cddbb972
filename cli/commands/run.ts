import type { Command } from 'commander';
import { Option } from 'commander';
import { startFixtures } from '../../echo-server/index.ts';
import type { RunResults } from '../../records/result.ts';
import { discoverTestFiles, filterFiles } from '../../runners/discover.ts';
import { combineRepeats } from '../../runners/repeat.ts';
import { DEFAULT_FILE_TIMEOUT_MS, DEFAULT_JOBS, DEFAULT_PROCESS_MODEL, PROCESS_MODELS, run, UsageError, type ProcessModel } from '../../runners/run.ts';
import { parseShard, selectShard } from '../../runners/shard.ts';
import { requiredFailures } from '../../reporters/summary.ts';
import { calibrationLine } from '../../reporters/format.ts';
import { terminalMatrix } from '../../reporters/matrix.ts';
import { SPEC_ANCHORS } from '../../tests/requirements.ts';
import { DEFAULT_EXPECTATIONS_DIR, hasUnexpected, judge, loadForRun } from '../judge.ts';
import { checkSourceUrl, writeReports } from '../write-reports.ts';
import { colours } from '../colours.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { positiveNumber } from '../numbers.ts';
import { commandRuntime, parseCommandOption } from '../../runners/runtimes/command.ts';
import { runtimes } from '../../runners/runtimes/index.ts';
import type { RuntimeAdapter } from '../../runners/runtime.ts';
import { progress } from '../progress.ts';
import { prepareOutDir } from '../out-dir.ts';


interface RunFlags {
  runtime?: string;
  impl?: string;
  filter?: string;
  timeout?: number;
  timeoutMultiplier?: number;
  jobs?: number;
  processModel: ProcessModel;
  out: string;
  repeat: number;
  shard?: string;
  expectations: string;
  updateExpectations?: boolean;
  runtimeCommand?: string[];
  runtimeWarmCommand?: string[];
  runtimeExternal?: string;
  sourceUrl?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the suite in one or more runtimes and write results.json')
    .option('--runtime <ids>', 'runtime(s) to run, comma-separated; NAME@VERSION installs that version from npm into the runtime cache (default: every runtime available here, offline)')
    .option('--impl <path>', 'an ES module exporting connect(), used instead of the runtime\'s own')
    .option('--runtime-command <name=template>', 'a runtime the suite does not know: a command that runs one bundled file, e.g. myrt=\'myrt run {bundle} {context}\' (repeatable; runners/RUNTIME-COMMAND.md)', collect, [])
    .option('--runtime-warm-command <name=template>', 'for a --runtime-command of that name: a command that starts a warm host, e.g. myrt=\'myrt run {host}\' (repeatable)', collect, [])
    .option('--runtime-external <specifiers>', 'module specifiers a --runtime-command runtime provides itself (kept out of the bundle), comma-separated')
    .option('--filter <text>', 'only test files whose path or anchors contain this text')
    .addOption(new Option('--timeout <ms>', `per-file timeout in ms (default: the file's own, else ${DEFAULT_FILE_TIMEOUT_MS})`).argParser(positiveNumber('--timeout')))
    .addOption(new Option('--timeout-multiplier <n>', 'scale of every file timeout and "must happen" bound, instead of the one measured at the start of the run').argParser(positiveNumber('--timeout-multiplier')))
    .addOption(new Option('--jobs <n>', `runtime processes at once (default: as many as the cores carry, from the CPU cost of the files in earlier runs; ${DEFAULT_JOBS} without history)`).argParser(positiveNumber('--jobs', true)))
    .addOption(new Option('--process-model <model>', 'warm: runtime processes that run files one after another, replaced after a crash or timeout (node, deno and bun load each file into a running process; workerd starts each warm process with a share of the files, each file a worker of its own, falling back to a process per file if that process cannot start); per-file: a new runtime process for every file').choices(PROCESS_MODELS).default(DEFAULT_PROCESS_MODEL))
    .addOption(new Option('--repeat <n>', 'run each selected file n times and report the subtests whose status changed').argParser(positiveNumber('--repeat', true)).default(1))
    .option('--shard <i/n>', 'run shard i of n (a stable subset of the files, for CI job matrices)')
    .option('--out <dir>', 'where results.json and every report are written', 'out')
    .option('--expectations <dir>', 'folder of per-runtime expectations files (<runtime>.json)', DEFAULT_EXPECTATIONS_DIR)
    .option('--update-expectations', 'rewrite the expectations files of the runtimes that ran from this run, keeping existing reasons')
    .option('--source-url <template>', 'link each subtest of the HTML report to its source: {path} is replaced by tests/<file>, {file} by <file> (e.g. https://github.com/o/r/blob/<commit>/{path})')
    .action(async (opts: RunFlags, command: Command) => {
      const c = colours(process.stdout, command.optsWithGlobals().color !== false);
      // First: a bad --out must cost nothing but one line.
      await prepareOutDir(opts.out);
      const shard = opts.shard ? parseShard(opts.shard) : null;
      checkSourceUrl(opts.sourceUrl);
      const filtered = filterFiles(await discoverTestFiles(), opts.filter);
      if (filtered.length === 0) throw new UsageError(`--filter "${opts.filter}" selects no test file (see \`sockets-conformance list\`)`);
      const files = shard ? selectShard(filtered, shard) : filtered;
      const commandRuntimes = commandAdapters(opts);
      const expectations = await loadForRun(opts.expectations, { creating: opts.updateExpectations, extraRuntimes: commandRuntimes.map((r) => r.id) });
      // Command runtimes join the runtimes asked for; alone, they are the whole run.
      const requested = opts.runtime?.split(',').map((s) => s.trim()).filter(Boolean);
      const runtimeList = commandRuntimes.length > 0 ? [...(requested ?? []), ...commandRuntimes] : requested;

      const interrupt = interruptOnSignals();
      const shown = progress(process.stderr, colours(process.stderr, command.optsWithGlobals().color !== false));
      // One fixture server for every repetition and runtime.
      const fixtures = await startFixtures();
      try {
        const runs: RunResults[] = [];
        for (let i = 0; i < opts.repeat && !interrupt.signal.aborted; i++) {
          runs.push(await run({
            files,
            runtimes: runtimeList,
            impl: opts.impl,
            timeoutMs: opts.timeout,
            timeoutMultiplier: opts.timeoutMultiplier,
            jobs: opts.jobs,
            processModel: opts.processModel,
            fixtures: fixtures.addresses,
            signal: interrupt.signal,
            onStart: shown.onStart,
            onNotice: shown.notice,
            onFile: shown.onFile,
            onNote: (line) => process.stderr.write(`${line}\n`),
          }));
        }
        shown.stop();
        const combined = opts.repeat > 1 ? combineRepeats(runs) : runs[0]!;
        combined.shard = shard;
        const judged = await judge(combined, expectations, { knownFiles: (await discoverTestFiles()).map((f) => f.file), update: opts.updateExpectations && !interrupt.signal.aborted && opts.expectations, colours: c });
        const results = judged.results;
        const [written] = await writeReports(results, opts.out, { expectations, sourceUrl: opts.sourceUrl });
        process.stdout.write(terminalMatrix(results, { anchorOrder: SPEC_ANCHORS, colours: c }) + '\n');
        const failing = requiredFailures(results);
        if (results.repeat) {
          for (const f of results.repeat.flaky) process.stdout.write(c.yellow(`flaky: ${f.runtime} ${f.file} "${f.test}": ${f.statuses.join(', ')}\n`));
          process.stdout.write(`${results.repeat.flaky.length} flaky subtests over ${results.repeat.times} repetitions\n`);
        }
        process.stdout.write(`${results.results.length} subtests, ${failing.length} required not passing; results in ${written}\n`);
        const calibration = calibrationLine(results);
        if (calibration) process.stdout.write(`${calibration}\n`);
        process.stdout.write(judged.lines.join('\n') + '\n');
        if (results.interrupted) process.stdout.write(c.red(`interrupted by ${results.interrupted.signal}: ${results.interrupted.filesNotRun.length} file(s) not run or cut short\n`));
        process.exitCode = interrupt.signal.aborted ? 130 : judged.written.length === 0 && (hasUnexpected(judged.comparison) || judged.flaky.length > 0) ? 1 : 0;
      } finally {
        shown.stop();
        await fixtures.stop();
        interrupt.dispose();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function commandAdapters(opts: RunFlags): RuntimeAdapter[] {
  const known = runtimes.map((r) => r.id);
  const warm = new Map(opts.runtimeWarmCommand?.map((w) => {
    const { name, template } = parseCommandOption(w, known);
    return [name, template] as const;
  }));
  const adapters = (opts.runtimeCommand ?? []).map((c) => {
    const { name, template } = parseCommandOption(c, known);
    const adapter = commandRuntime({ name, template, warmTemplate: warm.get(name), external: opts.runtimeExternal?.split(',').map((s) => s.trim()).filter(Boolean) });
    warm.delete(name);
    return adapter;
  });
  for (const name of warm.keys()) throw new UsageError(`--runtime-warm-command ${name}: no --runtime-command of that name`);
  if (opts.runtimeExternal && adapters.length === 0) throw new UsageError('--runtime-external applies to a --runtime-command only');
  return adapters;
}
