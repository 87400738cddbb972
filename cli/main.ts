// The command line: a thin face over runners/ and reporters/. Exit codes are decided here only:
// 0 the run completed as expected, 1 unexpected results, 2 usage or environment error.

import { Command, CommanderError, Option } from 'commander';
import { commandsFor } from './commands/index.ts';

// A reader that stops early (`| head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const program = new Command('sockets-conformance')
  .description('Conformance test suite for the WinterTC Sockets API (connect())')
  .exitOverride()
  // Commander's own errors (unknown option, missing argument) as one line with a pointer to help.
  .configureOutput({ outputError: (text, write) => write(`sockets-conformance: ${text.split('\n')[0]!.replace(/^error: /, '')} (see --help)\n`) });
program.addOption(new Option('--no-color', 'plain output'));
// --version: the suite and the draft it targets, so a report can be read against the right text.
// Worked out only when asked for: other commands do not pay for the git call.
const asksVersion = process.argv.slice(2).some((a) => a === '--version' || a === '-V');
program.version(asksVersion ? await versionLine() : '', '-V, --version', 'print the suite version and the draft commit it targets');

for (const command of commandsFor(process.argv.slice(2))) (await command.load())(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}
// The command is done and its output written: leave now. A handle some library left open (a stray
// socket, a transform service) must not keep a finished run waiting; serve-fixtures returns only
// after its signal, so it is not cut short.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit();

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end "with an error" of code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  const known = error instanceof Error && ['UsageError', 'BuildError', 'MetadataError', 'RecordsError', 'PortInUseError', 'ExpectationsError'].includes(error.name);
  const line = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`sockets-conformance: ${line}\n`);
  if (!known && process.env.SOCKETS_CONFORMANCE_DEBUG) console.error(error);
  return known ? 2 : 2;
}

async function versionLine(): Promise<string> {
  const [{ suiteVersion }, { DRAFT }] = await Promise.all([import('../runners/version.ts'), import('../records/draft.ts')]);
  return `sockets-conformance ${await suiteVersion()}, tests derived from the draft ${DRAFT.repository}@${DRAFT.commit} (${DRAFT.date}), ${DRAFT.url}`;
}
