// What a runtime process got of the CPU, from Linux's /proc: the CPU time it used, and the time its
// main thread (where a runtime runs JavaScript and its event loop) spent runnable but waiting for a
// CPU. The first feeds the scheduler's jobs rule (runners/schedule.ts); the second lets a watchdog
// tell a file that hangs from a file that was starved (runners/launch.ts: startWatchdog). Elsewhere
// both read as unknown (null) and the callers fall back to wall time.

import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** CPU time used by the process and its reaped children, ms. */
  cpuMs: number;
  /** Time the main thread waited on a run queue, ms. */
  waitedMs: number;
}

/** The process's CPU figures now, or null where /proc cannot tell (not Linux, process gone). */
export function sampleCpu(pid: number | undefined): CpuSample | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    const schedstat = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    const waitedNs = Number(schedstat[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(waitedNs)) return null;
    return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, waitedMs: waitedNs / 1e6 };
  } catch {
    return null;
  }
}

/** The runner's own CPU time with every runtime process it has reaped, ms (null off Linux). */
export function runCpuMs(): number | null {
  return sampleCpu(process.pid)?.cpuMs ?? null;
}
