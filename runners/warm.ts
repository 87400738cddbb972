// The warm process model: one runtime process runs many files in sequence instead of one process per
// file (harness/glue/warm-host.ts for node, deno and bun; `workerd serve` with a worker per file for
// workerd). The verdicts are the same as for a process per file: a file that completes is judged by
// what it reported; a file during which the process dies is a CRASH (or ERROR, after a clean exit);
// a file that overruns its timeout is a TIMEOUT. In both of the last cases the process is killed
// with its group and the next file gets a new one.
//
// A file's watchdog starts when the file does. A warm workerd process evaluates all of its workers
// before it listens (every file of the run once took 0.6 s alone on the development machine, 2-3 s
// with eight such processes starting at once on two busy cores): counting that start-up against the
// first file it runs is what turned healthy files into TIMEOUTs (a different subtest each time,
// wherever the watchdog cut in) and, when the start-up alone outlasted the watchdog, what sent
// workerd silently to a process per file. The start-up has a bound of its own, and overrunning it
// is said as such (startFailure).
//
// Such a process is started with a share of the run's files, not all of them: every process that
// loaded every file made the run evaluate each file once per process (eleven times over in a
// default run, most of a run's CPU). A new process takes the file it is started for and the next
// files of its runtime, in the run's order, that no live process holds. The run then picks files to
// match (runners/run.ts): an idle process's next file before any other of its runtime, and a file
// no process holds before one that a busy process holds. Each file is loaded about once, and twice
// only when every file left of that runtime is held by a busy process.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { HarnessContext, WarmRequest } from '../records/channel.ts';
import { ChannelReader, endGroup, spawnGroup, startWatchdog, type ProcessOutcome } from './launch.ts';
import type { WarmLaunchSpec } from './runtime.ts';

/** How long a file may take to report its completion on stdout after its HTTP response has ended
 * (the two arrive on different pipes); after that the response's end is taken as the file's. */
const COMPLETION_GRACE_MS = 1_000;

interface CurrentFile {
  started: number;
  timedOut: boolean;
  watchdog: ReturnType<typeof startWatchdog> | null;
  resolve: (outcome: ProcessOutcome) => void;
  /** Set while the file waits for its worker to listen: the process's start-up is on the clock. */
  startup?: ReturnType<typeof startWatchdog>;
}

export class WarmProcess {
  private readonly child: ReturnType<typeof spawnGroup>;
  private readonly reader = new ChannelReader('', (message) => {
    if (message.type === 'complete') this.finish(null, null);
  });
  private current: CurrentFile | null = null;
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly ran = new Set<string>();
  /** Port per socket name, filled from the process's control descriptor (http transport). */
  private readonly ports = new Map<string, number>();
  private portWaiters: (() => void)[] = [];
  /** Why the process never got ready, when the runner ended its start-up. */
  private startupOverrun: string | null = null;
  private markClosed!: () => void;
  /** Settles once the process has ended and been reaped. */
  readonly closed = new Promise<void>((resolve) => { this.markClosed = resolve; });

  constructor(readonly key: string, private readonly spec: WarmLaunchSpec) {
    this.child = spawnGroup(spec, 'pipe', spec.http !== undefined);
    this.child.stdout.on('data', (chunk: string) => this.reader.stdout(chunk));
    this.child.stderr.on('data', (chunk: string) => this.reader.keep(chunk));
    // A write to a process that has just died fails here; its 'close' tells the file what happened.
    this.child.stdin!.on('error', () => undefined);
    if (spec.http) this.readControl();
    this.child.on('error', (error) => {
      this.reader.keep(`failed to start ${spec.argv[0]}: ${error.message}\n`);
      this.onExit(null, null);
    });
    this.child.on('close', (code, signal) => {
      this.onExit(code, signal);
      this.markClosed();
    });
    this.child.on('error', () => this.markClosed());
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** Ended before it was ready for files: an http process that never reported all its sockets. */
  get failedToStart(): boolean {
    return this.exited !== null && this.spec.http !== undefined && this.ports.size < Object.keys(this.spec.http.socketOf).length;
  }

  /** Why it failed to start, in a few words, for the one line the runner prints. */
  get startFailure(): string {
    if (this.startupOverrun) return this.startupOverrun;
    const sockets = this.spec.http ? Object.keys(this.spec.http.socketOf).length : 0;
    const how = this.exited?.signal ? `was killed by ${this.exited.signal}` : `exited with code ${this.exited?.code}`;
    const last = this.reader.tail.trim().split('\n').at(-1)?.slice(0, 200);
    return `it ${how} after listening on ${this.ports.size} of its ${sockets} sockets (a file that throws at load stops them all)${last ? `: ${last}` : ''}`;
  }

  /** Still running, not busy with a file, and able to run this bundle. */
  canRun(bundle: string): boolean {
    return this.current === null && this.couldRun(bundle);
  }

  /** Still running and able to run this bundle once it is free. */
  couldRun(bundle: string): boolean {
    if (this.exited !== null) return false;
    // A worker's global scope outlives its request: each one runs its file once per process.
    return !this.spec.http || (bundle in this.spec.http.socketOf && !this.ran.has(bundle));
  }

  /** Loads the files it can run when it starts (http processes), rather than when told to. */
  get loadsAtStart(): boolean {
    return this.spec.http !== undefined;
  }

  /** How many files it loaded at start-up (http processes; 0 for the others). */
  get holding(): number {
    return this.spec.http ? Object.keys(this.spec.http.socketOf).length : 0;
  }

  /** Loaded at start-up to run this bundle, which it has not run yet (http processes only). */
  holds(bundle: string): boolean {
    return this.spec.http !== undefined && this.couldRun(bundle);
  }

  /** Runs one file; resolves with what happened, like launch() does for a process of its own. */
  runFile(bundle: string, context: HarnessContext, timeoutMs: number): Promise<ProcessOutcome> {
    if (!this.canRun(bundle)) throw new Error(`this warm process cannot run ${bundle}`);
    this.ran.add(bundle);
    // Whatever the process printed since the last file belongs to no file.
    this.reader.reset(context.nonce);
    const request: WarmRequest = { bundle, context };
    return new Promise((resolve) => {
      const current: CurrentFile = { started: performance.now(), timedOut: false, resolve, watchdog: null };
      this.current = current;
      if (this.spec.http) {
        void this.post(this.spec.http.socketOf[bundle]!, request, current, timeoutMs);
      } else {
        // A warm host starts as fast as a process of its own per file, whose watchdog also
        // covers its start: the first file's clock includes it here too.
        current.watchdog = this.watchdog(current, timeoutMs);
        this.child.stdin!.write(`${JSON.stringify(request)}\n`);
      }
    });
  }

  /** Ends the process (and anything it started); a file still running is reported as killed. */
  kill(): void {
    endGroup(this.child);
  }

  private watchdog(current: CurrentFile, timeoutMs: number) {
    return startWatchdog(this.child.pid, timeoutMs, () => {
      current.timedOut = true;
      endGroup(this.child);
    });
  }

  private async post(socket: string, request: WarmRequest, current: CurrentFile, timeoutMs: number): Promise<void> {
    try {
      if (!this.ports.has(socket)) {
        // The start-up gets a bound of its own, the file's timeout again, counted like a file's.
        current.startup = startWatchdog(this.child.pid, timeoutMs, () => {
          const sockets = Object.keys(this.spec.http!.socketOf).length;
          this.startupOverrun = `its start-up (${sockets} files loaded as workers) had reported ${this.ports.size} of its ${sockets} sockets listening after ${timeoutMs} ms of running time`;
          endGroup(this.child);
        });
      }
      const port = await this.portOf(socket);
      current.startup?.cancel();
      current.startup = undefined;
      if (this.current !== current) return;
      current.started = performance.now();
      current.watchdog = this.watchdog(current, timeoutMs);
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(request) });
      const body = await response.text();
      if (this.current !== current) return;
      if (!response.ok) this.reader.keep(`the worker answered ${response.status}: ${body.slice(0, 2048)}\n`);
    } catch (error) {
      if (this.current !== current) return;
      this.reader.keep(`posting the file to the worker failed: ${(error as Error).message}\n`);
    }
    // The response has ended: the completion line is on its way on stdout, or it never comes (the
    // worker failed to load, or threw outside the harness), and the process is in an unknown state.
    setTimeout(() => {
      if (this.current === current) endGroup(this.child);
    }, COMPLETION_GRACE_MS).unref();
  }

  private portOf(socket: string): Promise<number> {
    return new Promise((resolve, reject) => {
      // Sockets are reported one by one: a waiter woken for another socket waits on.
      const check = () => {
        const port = this.ports.get(socket);
        if (port !== undefined) resolve(port);
        else if (this.exited) reject(new Error('the process ended before it listened'));
        else this.portWaiters.push(check);
      };
      check();
    });
  }

  private readControl(): void {
    const control = this.child.stdio[3] as Readable;
    control.on('error', () => undefined);
    createInterface({ input: control, crlfDelay: Infinity }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (event.event === 'listen' && typeof event.socket === 'string' && typeof event.port === 'number') this.ports.set(event.socket, event.port);
      } catch {
        // Not a control message the runner knows.
      }
      this.wakePortWaiters();
    });
  }

  private wakePortWaiters(): void {
    const waiters = this.portWaiters;
    this.portWaiters = [];
    for (const wake of waiters) wake();
  }

  private onExit(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    endGroup(this.child);
    this.reader.end();
    this.wakePortWaiters();
    this.finish(code, signal);
  }

  private finish(exitCode: number | null, signal: string | null): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    current.startup?.cancel();
    const usage = current.watchdog?.usage() ?? {};
    current.watchdog?.cancel();
    // A file that overran its time leaves the process in an unknown state: it does not run another.
    if (current.timedOut) endGroup(this.child);
    current.resolve({
      messages: [...this.reader.messages],
      outputTail: this.reader.tail,
      exitCode,
      signal,
      timedOut: current.timedOut,
      malformed: this.reader.malformed,
      durationMs: Math.round(performance.now() - current.started),
      ...usage,
    });
  }
}

/** Warm processes kept between files, at most `limit` alive at once: a file takes an idle process
 * of its own runtime that can run it, or a new one, and an idle process of the runtime with the most
 * to spare makes room (leastNeeded). An
 * idle process that can run none of the files still to come (its runtime's are all started, or the
 * ones it holds are) is ended at once rather than kept. */
export class WarmPool {
  private readonly idle: WarmProcess[] = [];
  /** Every process not yet ended by the pool, busy or idle. */
  private readonly live = new Set<WarmProcess>();
  /** Processes whose command is being made, with the bundles they are started with. */
  private readonly starting = new Set<{ key: string; share: readonly string[] }>();
  private busy = 0;
  /** Per key, from expect(): the bundles no file has been started for yet, in the run's order, and
   * how many runtime processes run at once. */
  private readonly plans = new Map<string, { toCome: Set<string>; jobs: number }>();
  /** Processes started so far, per key. */
  readonly spawned = new Map<string, number>();
  /** Per key, the files that processes which load their files at start-up were started with. */
  readonly loaded = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** The bundles a key will be asked to run, in order, and how many processes run at once. A new
   * process that loads its files at start-up is then given its first file and every `jobs`-th of
   * the files still to come that no process holds, about its part of them: its files start about
   * `jobs` files apart, by when the one before has usually ended, and long files (first in the
   * order) go to different processes. Without expect(), such a process is started with its one
   * file, and idle processes of the key are kept whatever is left to run. */
  expect(key: string, bundles: Iterable<string>, jobs: number): void {
    this.plans.set(key, { toCome: new Set(bundles), jobs: Math.max(1, jobs) });
  }

  /** The first bundle still to come that an idle process of this key holds, if any. */
  nextHeldByIdle(key: string): string | undefined {
    const holders = this.idle.filter((p) => p.key === key);
    if (holders.length === 0) return undefined;
    for (const bundle of this.plans.get(key)?.toCome ?? []) if (holders.some((p) => p.holds(bundle))) return bundle;
    return undefined;
  }

  /** Loaded by a live process of this key, busy or idle, that has not run it yet (or by one that is
   * being started with it). */
  isHeld(key: string, bundle: string): boolean {
    return [...this.live].some((p) => p.key === key && p.holds(bundle)) || [...this.starting].some((s) => s.key === key && s.share.includes(bundle));
  }

  /** A process to run `bundle` in: an idle one that can, or a new one started with `bundle` and its
   * part of the bundles still to come that no live process holds (see expect(); spec's argument,
   * which only a runtime that loads its files at start-up makes use of). */
  async acquire(key: string, bundle: string, spec: (bundles: readonly string[]) => Promise<WarmLaunchSpec> | WarmLaunchSpec): Promise<WarmProcess> {
    this.busy++;
    const plan = this.plans.get(key);
    plan?.toCome.delete(bundle);
    const at = this.idle.findIndex((p) => p.key === key && p.canRun(bundle));
    if (at !== -1) return this.idle.splice(at, 1)[0]!;
    for (const process of this.idle.filter((p) => !this.useful(p))) this.end(process);
    while (this.idle.length > 0 && this.idle.length + this.busy > this.limit) this.end(this.leastNeeded());
    const share = [bundle];
    if (plan) {
      const free = [...plan.toCome].filter((b) => !this.isHeld(key, b));
      const size = Math.ceil((free.length + 1) / plan.jobs);
      for (let at = plan.jobs - 1; at < free.length && share.length < size; at += plan.jobs) share.push(free[at]!);
    }
    // Held from now on: the next file may be picked before this process exists.
    const starting = { key, share };
    this.starting.add(starting);
    try {
      const process = new WarmProcess(key, await spec(share));
      this.live.add(process);
      void process.closed.then(() => this.live.delete(process));
      this.spawned.set(key, (this.spawned.get(key) ?? 0) + 1);
      if (process.loadsAtStart) this.loaded.set(key, (this.loaded.get(key) ?? 0) + process.holding);
      return process;
    } catch (error) {
      this.busy--;
      throw error;
    } finally {
      this.starting.delete(starting);
    }
  }

  release(process: WarmProcess): void {
    this.busy--;
    if (process.alive && this.useful(process)) this.idle.push(process);
    else this.end(process);
  }

  /** Ends the idle processes; resolves once they are gone (at most a second later), so that the
   * run's CPU figure includes theirs. */
  async close(): Promise<void> {
    const ending = this.idle.splice(0);
    for (const process of ending) this.end(process);
    await Promise.race([Promise.all(ending.map((p) => p.closed)), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }

  /** The idle process to end for room: one of the key with the most idle processes per file still
   * to come (it has the most to spare), the one idle longest among those. */
  private leastNeeded(): WarmProcess {
    const idleOf = new Map<string, number>();
    for (const p of this.idle) idleOf.set(p.key, (idleOf.get(p.key) ?? 0) + 1);
    const spare = (p: WarmProcess) => idleOf.get(p.key)! / Math.max(1, this.plans.get(p.key)?.toCome.size ?? 1);
    return this.idle.reduce((most, p) => (spare(p) > spare(most) ? p : most));
  }

  /** Able to run a file still to come. */
  private useful(process: WarmProcess): boolean {
    const toCome = this.plans.get(process.key)?.toCome;
    if (!toCome) return true;
    for (const bundle of toCome) if (process.couldRun(bundle)) return true;
    return false;
  }

  private end(process: WarmProcess): void {
    const at = this.idle.indexOf(process);
    if (at !== -1) this.idle.splice(at, 1);
    this.live.delete(process);
    process.kill();
  }
}
