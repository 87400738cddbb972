// Runs one bundled test file in one runtime process and reports what came back on the result
// channel. The process gets its own process group so that a timeout (or the runner's own exit)
// kills it and everything it started; nothing the runtime prints can forge a result (nonce framing).

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CHANNEL_PREFIX, MESSAGE_TYPES, type HarnessMessage } from '../records/channel.ts';
import type { FileStatus } from '../records/result.ts';
import type { LaunchSpec } from './runtime.ts';
import { sampleCpu } from './cpu.ts';

/** Bytes of the runtime's own output kept for CRASH / ERROR messages. */
const OUTPUT_TAIL_BYTES = 8 * 1024;
/** A result line longer than this is not a result (the protocol's lines are short). */
const MAX_LINE_BYTES = 1024 * 1024;

export interface ProcessOutcome {
  messages: HarnessMessage[];
  /** The runtime's own output (stdout lines that are not results, and stderr), tail only. */
  outputTail: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Framed lines that were not valid messages. */
  malformed: number;
  durationMs: number;
  /** CPU time the process used for this file, where the system tells (runners/cpu.ts). */
  cpuMs?: number;
  /** Time the process waited for a CPU during this file: the watchdog did not count it. */
  starvedMs?: number;
}

/** Never more than this many times the timeout in all, however starved: a file that truly hangs
 * while the machine is overloaded still ends. */
const MAX_STARVED_STRETCH = 4;

/** A file's watchdog that counts only the time the runtime could run: when it fires, the time the
 * process's main thread spent waiting for a CPU meanwhile (runners/cpu.ts) is granted again, so a
 * runner that overcommits the CPU, or another program holding it, does not turn into a TIMEOUT.
 * Where that time cannot be read, it is a plain wall-clock timer. */
export function startWatchdog(pid: number | undefined, timeoutMs: number, onExpire: () => void) {
  const first = sampleCpu(pid);
  let timer: NodeJS.Timeout;
  let granted = 0;
  const arm = (ms: number) => {
    timer = setTimeout(() => {
      const now = sampleCpu(pid);
      const starved = first && now ? now.waitedMs - first.waitedMs : 0;
      const owed = Math.min(starved, MAX_STARVED_STRETCH * timeoutMs) - granted;
      if (owed >= 1) {
        granted += owed;
        arm(owed);
      } else {
        onExpire();
      }
    }, ms);
  };
  arm(timeoutMs);
  return {
    cancel: () => clearTimeout(timer),
    /** CPU used and time starved since the watchdog started (undefined where unknown). */
    usage(): { cpuMs?: number; starvedMs?: number } {
      const now = sampleCpu(pid);
      if (!first || !now) return {};
      return { cpuMs: Math.round(now.cpuMs - first.cpuMs), starvedMs: Math.round(now.waitedMs - first.waitedMs) };
    },
  };
}

const live = new Set<number>();

/** Kills every process group the runner started; used on the runner's own exit paths. */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of live) killGroup(pid, signal);
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Reads a runtime's stdout: splits it into lines, collects the messages framed with the current
 * nonce, and keeps the tail of everything else for CRASH / ERROR reports. */
export class ChannelReader {
  messages: HarnessMessage[] = [];
  tail = '';
  malformed = 0;
  private pending = '';
  private prefix: string;

  constructor(nonce: string, public onMessage?: (message: HarnessMessage) => void) {
    this.prefix = `${CHANNEL_PREFIX}${nonce} `;
  }

  /** Starts over for the next file of a warm process: new nonce, nothing collected yet. */
  reset(nonce: string): void {
    this.prefix = `${CHANNEL_PREFIX}${nonce} `;
    this.messages = [];
    this.malformed = 0;
    this.tail = '';
  }

  keep(text: string): void {
    this.tail = (this.tail + text).slice(-OUTPUT_TAIL_BYTES);
  }

  stdout(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      this.line(line);
    }
    if (this.pending.length > MAX_LINE_BYTES) {
      this.keep(this.pending.slice(-OUTPUT_TAIL_BYTES));
      this.pending = '';
    }
  }

  /** The process has ended: a last line without its newline still counts. */
  end(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
  }

  private line(line: string): void {
    const at = line.indexOf(this.prefix);
    if (at === -1) {
      this.keep(line + '\n');
      return;
    }
    if (at > 0) this.keep(line.slice(0, at));
    const message = parseMessage(line.slice(at + this.prefix.length));
    if (!message) {
      this.malformed++;
      return;
    }
    this.messages.push(message);
    this.onMessage?.(message);
  }
}

/** Starts a runtime process in a process group of its own, registered for killAll(); `control`
 * adds a pipe on fd 3 for the runtime's control messages. */
export function spawnGroup(spec: LaunchSpec, stdin: 'ignore' | 'pipe', control = false): ChildProcessByStdio<Writable | null, Readable, Readable> {
  const [command, ...args] = spec.argv;
  const child: ChildProcessByStdio<Writable | null, Readable, Readable> = spawn(command!, args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: control ? [stdin, 'pipe', 'pipe', 'pipe'] : [stdin, 'pipe', 'pipe'],
    detached: true,
  }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  if (child.pid !== undefined) live.add(child.pid);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  return child;
}

/** Kills a process started by spawnGroup() and everything it started (workerd, deno's subprocesses). */
export function endGroup(child: { pid?: number }): void {
  if (child.pid === undefined) return;
  killGroup(child.pid, 'SIGKILL');
  live.delete(child.pid);
}

export function launch(spec: LaunchSpec, nonce: string, timeoutMs: number): Promise<ProcessOutcome> {
  const started = performance.now();
  const reader = new ChannelReader(nonce);
  let timedOut = false;

  return new Promise((resolve) => {
    const child = spawnGroup(spec, 'ignore');
    child.stdout.on('data', (chunk: string) => reader.stdout(chunk));
    child.stderr.on('data', (chunk: string) => reader.keep(chunk));

    const watchdog = startWatchdog(child.pid, timeoutMs, () => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    });
    // The process exits right after its completion line: its CPU figures are read then.
    let usage: { cpuMs?: number; starvedMs?: number } = {};
    reader.onMessage = (message) => {
      if (message.type === 'complete') usage = watchdog.usage();
    };

    let settled = false;
    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      watchdog.cancel();
      endGroup(child);
      reader.end();
      resolve({ messages: reader.messages, outputTail: reader.tail, exitCode, signal, timedOut, malformed: reader.malformed, durationMs: Math.round(performance.now() - started), ...usage });
    };
    child.on('error', (error) => {
      reader.keep(`failed to start ${spec.argv[0]}: ${error.message}\n`);
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function parseMessage(json: string): HarnessMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const type = (value as { type?: unknown }).type;
  if (!MESSAGE_TYPES.includes(type as HarnessMessage['type'])) return null;
  if (type === 'result' && typeof (value as { test?: unknown }).test !== 'string') return null;
  return value as HarnessMessage;
}

/** The file's verdict, from what the process did: one pure function, one place. */
export function classifyFile(outcome: Pick<ProcessOutcome, 'messages' | 'exitCode' | 'signal' | 'timedOut'>): { status: FileStatus; message: string | null } {
  const completion = outcome.messages.find((m) => m.type === 'complete');
  if (completion && completion.type === 'complete') return { status: completion.status, message: completion.message };
  if (outcome.timedOut) return { status: 'TIMEOUT', message: 'the file did not complete before its timeout; the runtime process was killed' };
  const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
  if (outcome.exitCode === 0 && !outcome.signal) {
    return { status: 'ERROR', message: `the runtime ${how} before the harness completed` };
  }
  return { status: 'CRASH', message: `the runtime ${how} before the harness completed` };
}
