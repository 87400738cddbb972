// The warm process model: one runtime process runs many files in sequence instead of one process per
// file (harness/glue/warm-host.ts for node, deno and bun; `workerd serve` with a worker per file for
// workerd). The verdicts are the same as for a process per file: a file that completes is judged by
// what it reported; a file during which the process dies is a CRASH (or ERROR, after a clean exit);
// a file that overruns its timeout is a TIMEOUT. In both of the last cases the process is killed
// with its group and the next file gets a new one.
//
// A file's watchdog starts when the file does. A warm workerd process evaluates every worker of the
// run before it listens (0.6 s alone on the development machine, 2-3 s with eight of them starting
// at once on two busy cores): counting that start-up against the first file it runs is what turned
// healthy files into TIMEOUTs (a different subtest each time, wherever the watchdog cut in) and,
// when the start-up alone outlasted the watchdog, what sent workerd silently to a process per file.
// The start-up has a bound of its own, and overrunning it is said as such (startFailure).

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
    if (this.exited !== null || this.current !== null) return false;
    // A worker's global scope outlives its request: each one runs its file once per process.
    return !this.spec.http || (bundle in this.spec.http.socketOf && !this.ran.has(bundle));
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
          this.startupOverrun = `its start-up (every file of the run loaded as a worker) had reported ${this.ports.size} of its ${sockets} sockets listening after ${timeoutMs} ms of running time`;
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
 * of its own runtime that can run it, or a new one, and the longest idle process makes room. */
export class WarmPool {
  private readonly idle: WarmProcess[] = [];
  private busy = 0;
  /** Processes started so far, per key. */
  readonly spawned = new Map<string, number>();

  constructor(private readonly limit: number) {}

  async acquire(key: string, bundle: string, spec: () => Promise<WarmLaunchSpec> | WarmLaunchSpec): Promise<WarmProcess> {
    this.busy++;
    const at = this.idle.findIndex((p) => p.key === key && p.canRun(bundle));
    if (at !== -1) return this.idle.splice(at, 1)[0]!;
    while (this.idle.length > 0 && this.idle.length + this.busy > this.limit) this.idle.shift()!.kill();
    try {
      const process = new WarmProcess(key, await spec());
      this.spawned.set(key, (this.spawned.get(key) ?? 0) + 1);
      return process;
    } catch (error) {
      this.busy--;
      throw error;
    }
  }

  release(process: WarmProcess): void {
    this.busy--;
    if (process.alive) this.idle.push(process);
    else process.kill();
  }

  /** Ends the idle processes; resolves once they are gone (at most a second later), so that the
   * run's CPU figure includes theirs. */
  async close(): Promise<void> {
    const ending = this.idle.splice(0);
    for (const process of ending) process.kill();
    await Promise.race([Promise.all(ending.map((p) => p.closed)), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
  }
}
