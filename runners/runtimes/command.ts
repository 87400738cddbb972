// A runtime the suite has never heard of, named on the command line with a command template
// (`--runtime-command NAME=TEMPLATE`, contract in runners/RUNTIME-COMMAND.md). It gets the same
// bundles as node, deno and bun (ES modules built for platform `node`, whose glue takes the context
// from the environment or argv and writes results to stdout), and the runner core treats its
// processes like any other: timeouts, crashes and garbage cost the file, never the run.

import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { RuntimeUnavailable, warmHostOf, type LaunchSpec, type RuntimeAdapter } from '../runtime.ts';
import { POLYFILL_BUILD } from './polyfill-build.ts';

/** Placeholders a template may use; anything else in braces is a usage error. */
export const PLACEHOLDERS = {
  bundle: 'absolute path of the bundled test file (an ES module)',
  context: 'the run context as one JSON argument (also in $SOCKETS_CONFORMANCE_CONTEXT)',
  ca: 'PEM file of the fixture CA (also in $NODE_EXTRA_CA_CERTS and $SOCKETS_CONFORMANCE_CA)',
  workdir: 'a scratch folder for this runtime in this run (also the working directory)',
  host: 'the bundled warm host (only in a warm template): it reads one JSON request per line on stdin',
} as const;

/** The environment variable the glue reads the context from when argv has none. */
export const CONTEXT_ENV = 'SOCKETS_CONFORMANCE_CONTEXT';

export class CommandTemplateError extends Error {
  override name = 'UsageError';
}

export interface CommandRuntimeOptions {
  name: string;
  /** Runs one bundled file: must contain {bundle}. */
  template: string;
  /** Starts a warm host: must contain {host}. */
  warmTemplate?: string;
  /** Module specifiers the runtime provides itself (e.g. `myruntime:sockets` for an --impl module). */
  external?: string[];
}

/** Splits a template into arguments: whitespace separates, single or double quotes group. */
export function splitTemplate(template: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of template) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new CommandTemplateError(`--runtime-command: unbalanced ${quote} in "${template}"`);
  if (started) args.push(current);
  return args;
}

function checkTemplate(option: string, template: string, required: keyof typeof PLACEHOLDERS, allowed: (keyof typeof PLACEHOLDERS)[]): string[] {
  const args = splitTemplate(template);
  if (args.length === 0) throw new CommandTemplateError(`${option}: the template is empty`);
  for (const [, name] of template.matchAll(/\{([A-Za-z_-]+)\}/g)) {
    if (!(allowed as string[]).includes(name!)) throw new CommandTemplateError(`${option}: unknown placeholder {${name}} (known: ${allowed.map((p) => `{${p}}`).join(', ')})`);
  }
  if (!template.includes(`{${required}}`)) throw new CommandTemplateError(`${option}: the template must contain {${required}}`);
  return args;
}

/** `NAME=TEMPLATE` as given on the command line. */
export function parseCommandOption(text: string, known: readonly string[]): { name: string; template: string } {
  const eq = text.indexOf('=');
  const name = eq === -1 ? '' : text.slice(0, eq).trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new CommandTemplateError(`--runtime-command "${text}": expected NAME=TEMPLATE, e.g. myrt='myrt run {bundle} {context}'`);
  if (known.includes(name)) throw new CommandTemplateError(`--runtime-command ${name}: that name is a built-in runtime; choose another for the column`);
  return { name, template: text.slice(eq + 1) };
}

export function commandRuntime(options: CommandRuntimeOptions): RuntimeAdapter {
  const args = checkTemplate('--runtime-command', options.template, 'bundle', ['bundle', 'context', 'ca', 'workdir']);
  const warmArgs = options.warmTemplate ? checkTemplate('--runtime-warm-command', options.warmTemplate, 'host', ['host', 'ca', 'workdir']) : undefined;
  const fill = (list: string[], values: Partial<Record<keyof typeof PLACEHOLDERS, string>>) =>
    list.map((a) => a.replace(/\{(bundle|context|ca|workdir|host)\}/g, (_, k: keyof typeof PLACEHOLDERS) => values[k] ?? ''));
  const env = (caFile: string, context?: unknown): Record<string, string> => ({
    NODE_EXTRA_CA_CERTS: caFile,
    SOCKETS_CONFORMANCE_CA: caFile,
    NO_COLOR: '1',
    ...(context ? { [CONTEXT_ENV]: JSON.stringify(context) } : {}),
  });
  return {
    id: options.name,
    npmPackage: 'none (a --runtime-command)',
    async locate() {
      const binary = await findExecutable(args[0]!);
      return {
        binary,
        // The suite cannot know how to ask an unknown runtime its version.
        version: 'unknown',
        source: `--runtime-command ${options.template}`,
        details: { command: options.template, ...(options.warmTemplate ? { warm: options.warmTemplate } : {}), connect: options.external?.length ? `bundle built with ${options.external.join(', ')} external` : 'as bundled (the polyfill unless --impl)' },
      };
    },
    build: { ...POLYFILL_BUILD, external: [...POLYFILL_BUILD.external, ...(options.external ?? [])], ...(warmArgs ? {} : { warmHost: undefined }) },
    launch: ({ bundle, context, workDir, caFile }): LaunchSpec => ({
      argv: fill(args, { bundle, context: JSON.stringify(context), ca: caFile, workdir: workDir }),
      env: env(caFile, context),
      cwd: workDir,
    }),
    ...(warmArgs ? {
      launchWarm: ({ build, workDir, caFile }) => ({ argv: fill(warmArgs, { host: warmHostOf(build), ca: caFile, workdir: workDir }), env: env(caFile), cwd: workDir }),
    } : {}),
  };
}

/** The template's program as an absolute path: as given when it has a slash, else from PATH. */
async function findExecutable(program: string): Promise<string> {
  const candidates = program.includes('/') ? [path.resolve(program)] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there, or not executable.
    }
  }
  throw new RuntimeUnavailable(`--runtime-command: "${program}" is not an executable file${program.includes('/') ? '' : ' on PATH'}`);
}
