// Runs one bundled test file in one runtime process and reports what came back on the result
// channel. The process gets its own process group so that a timeout (or the runner's own exit)
// kills it and everything it started; nothing the runtime prints can forge a result (nonce framing).

import { spawn } from 'node:child_process';
import { CHANNEL_PREFIX, MESSAGE_TYPES, type HarnessMessage } from '../records/channel.ts';
import type { FileStatus } from '../records/result.ts';
import type { LaunchSpec } from './runtime.ts';

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
}

const live = new Set<number>();

/** Kills every process group the runner started; used on the runner's own exit paths. */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of live) killGroup(pid, signal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function launch(spec: LaunchSpec, nonce: string, timeoutMs: number): Promise<ProcessOutcome> {
  const started = performance.now();
  const prefix = `${CHANNEL_PREFIX}${nonce} `;
  const messages: HarnessMessage[] = [];
  let tail = '';
  let malformed = 0;
  let timedOut = false;
  const keep = (text: string) => {
    tail = (tail + text).slice(-OUTPUT_TAIL_BYTES);
  };

  return new Promise((resolve) => {
    const [command, ...args] = spec.argv;
    const child = spawn(command!, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (child.pid !== undefined) live.add(child.pid);

    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        onLine(line);
      }
      if (pending.length > MAX_LINE_BYTES) {
        keep(pending.slice(-OUTPUT_TAIL_BYTES));
        pending = '';
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);

    function onLine(line: string) {
      const at = line.indexOf(prefix);
      if (at === -1) {
        keep(line + '\n');
        return;
      }
      if (at > 0) keep(line.slice(0, at));
      const message = parseMessage(line.slice(at + prefix.length));
      if (message) messages.push(message);
      else malformed++;
    }

    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);

    let settled = false;
    const finish = (exitCode: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid !== undefined) {
        // The runtime may have left children of its own (workerd, deno's subprocesses).
        killGroup(child.pid, 'SIGKILL');
        live.delete(child.pid);
      }
      if (pending) onLine(pending);
      resolve({ messages, outputTail: tail, exitCode, signal, timedOut, malformed, durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', (error) => {
      keep(`failed to start ${command}: ${error.message}\n`);
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
