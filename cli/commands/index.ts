// The sub-commands, one module each, one line each here. A command's module is loaded only when it
// is the command asked for (all of them for --help or an unknown command): what `run` imports (the
// runner, the fixture server, the interop servers) is start-up time that `list` must not pay.
import type { Command } from 'commander';

export interface CommandModule {
  name: string;
  load(): Promise<(program: Command) => void>;
}

export const commands: CommandModule[] = [
  { name: 'run', load: async () => (await import('./run.ts')).registerRun },
  { name: 'list', load: async () => (await import('./list.ts')).registerList },
  { name: 'serve-fixtures', load: async () => (await import('./serve-fixtures.ts')).registerServeFixtures },
  { name: 'runtimes', load: async () => (await import('./runtimes.ts')).registerRuntimes },
  { name: 'merge', load: async () => (await import('./merge.ts')).registerMerge },
  { name: 'report', load: async () => (await import('./report.ts')).registerReport },
  { name: 'conformance', load: async () => (await import('./conformance.ts')).registerConformance },
  { name: 'perf', load: async () => (await import('./perf.ts')).registerPerf },
  { name: 'coverage', load: async () => (await import('./coverage.ts')).registerCoverage },
  { name: 'repro', load: async () => (await import('./repro.ts')).registerRepro },
  { name: 'history', load: async () => (await import('./history.ts')).registerHistory },
  { name: 'export-bcd', load: async () => (await import('./export-bcd.ts')).registerExportBcd },
];

/** The commands to load for these arguments: the one named, or every one. */
export function commandsFor(args: readonly string[]): CommandModule[] {
  // The program's own options (--no-color) take no value, so the first other word is the command.
  const named = args.find((a) => !a.startsWith('-'));
  const chosen = commands.filter((c) => c.name === named);
  return chosen.length > 0 ? chosen : commands;
}
