// The warm process model: one runtime process runs many files in sequence (harness/glue/warm-host.ts)
// instead of one process per file. The verdicts are the same as for a process per file: a file that
// completes is judged by what it reported; a file during which the process dies is a CRASH (or
// ERROR, after a clean exit) and a file that overruns its timeout is a TIMEOUT, and in both cases the
// process is killed with its group and the next file gets a new one.

import type { HarnessContext, WarmRequest } from '../records/channel.ts';
import { ChannelReader, endGroup, spawnGroup, type ProcessOutcome } from './launch.ts';
import type { LaunchSpec } from './runtime.ts';

interface CurrentFile {
  started: number;
  timedOut: boolean;
  timer: NodeJS.Timeout;
  resolve: (outcome: ProcessOutcome) => void;
}

export class WarmProcess {
  private readonly child: ReturnType<typeof spawnGroup>;
  private readonly reader = new ChannelReader('', (message) => {
    if (message.type === 'complete') this.finish(null, null);
  });
  private current: CurrentFile | null = null;
  private exited: { code: number | null; signal: string | null } | null = null;

  constructor(readonly key: string, spec: LaunchSpec) {
    this.child = spawnGroup(spec, 'pipe');
    this.child.stdout.on('data', (chunk: string) => this.reader.stdout(chunk));
    this.child.stderr.on('data', (chunk: string) => this.reader.keep(chunk));
    // A write to a process that has just died fails here; its 'close' tells the file what happened.
    this.child.stdin!.on('error', () => undefined);
    this.child.on('error', (error) => {
      this.reader.keep(`failed to start ${spec.argv[0]}: ${error.message}\n`);
      this.onExit(null, null);
    });
    this.child.on('close', (code, signal) => this.onExit(code, signal));
  }

  /** Still running and not busy with a file. */
  get usable(): boolean {
    return this.exited === null && this.current === null;
  }

  /** Runs one file; resolves with what happened, like launch() does for a process of its own. */
  runFile(bundle: string, context: HarnessContext, timeoutMs: number): Promise<ProcessOutcome> {
    if (!this.usable) throw new Error('this warm process cannot take another file');
    // Whatever the process printed since the last file belongs to no file.
    this.reader.reset(context.nonce);
    return new Promise((resolve) => {
      const current: CurrentFile = {
        started: performance.now(),
        timedOut: false,
        resolve,
        timer: setTimeout(() => {
          current.timedOut = true;
          endGroup(this.child);
        }, timeoutMs),
      };
      this.current = current;
      this.child.stdin!.write(`${JSON.stringify({ bundle, context } satisfies WarmRequest)}\n`);
    });
  }

  /** Ends the process (and anything it started); a file still running is reported as killed. */
  kill(): void {
    endGroup(this.child);
  }

  private onExit(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    endGroup(this.child);
    this.reader.end();
    this.finish(code, signal);
  }

  private finish(exitCode: number | null, signal: string | null): void {
    const current = this.current;
    if (!current) return;
    this.current = null;
    clearTimeout(current.timer);
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
    });
  }
}

/** Warm processes kept between files, at most `limit` alive at once: a file takes an idle process
 * of its own runtime, or a new one, and the longest idle process of another runtime makes room. */
export class WarmPool {
  private readonly idle: WarmProcess[] = [];
  private busy = 0;
  /** Processes started so far, per key. */
  readonly spawned = new Map<string, number>();

  constructor(private readonly limit: number) {}

  async acquire(key: string, spec: () => Promise<LaunchSpec> | LaunchSpec): Promise<WarmProcess> {
    this.busy++;
    const at = this.idle.findIndex((p) => p.key === key && p.usable);
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
    if (process.usable) this.idle.push(process);
    else process.kill();
  }

  close(): void {
    for (const process of this.idle.splice(0)) process.kill();
  }
}
