// Fits a run to the machine it runs on. The tests' "must happen" bounds (tests/lib/windows.ts) and
// the file watchdogs were written for a healthy machine where loopback answers in milliseconds;
// a machine that is twice as slow, or busy with other work, must not turn them into failures.
//
// Two measures, each covering what the other cannot:
// - a scale, measured here at the start of the run: how much more CPU time than on the reference
//   machine a runtime start (`node -e 0`, CPU-bound work of the kind every file does) takes here,
//   which multiplies every bound and watchdog. CPU time, not wall time: it follows the machine's
//   speed, and not the load of the moment (the wall time of the same start is recorded beside it;
//   on this project's shared 2-core machine it was 3 to 6 times the CPU time), which is the second
//   measure's job. `--timeout-multiplier N` replaces the scale by hand.
// - starvation accounting, live during the run: a bound inside the runtime counts only the time
//   the runtime could run (tests/lib/timing.ts), and a file watchdog gives back the time the
//   runtime process waited for a CPU (runners/launch.ts). That covers load that comes and goes
//   after the start, including the run's own.
// "Must not happen" windows are left alone: they are as long as what they must outlast (a control
// round trip, a measured handshake), and a slow machine lengthens those by itself.

import { spawn } from 'node:child_process';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FixtureAddresses } from '../records/fixtures.ts';
import { runCpuMs } from './cpu.ts';

/** CPU time of `node -e 0` (Node 20) on the kind of machine the bounds were written on: 70-90 ms
 * measured on the 2-core development machine. */
export const REFERENCE_START_CPU_MS = 80;
/** A scale above this says the machine cannot run the suite meaningfully; the cap keeps a freak
 * measurement from making a hung file cost minutes. */
const MAX_SCALE = 8;

export interface MachineFigures {
  /** Median wall time of a start, ms. */
  runtimeStartMs: number;
  /** Mean CPU time of a start, ms; null where the system does not tell (not Linux). */
  runtimeStartCpuMs: number | null;
  loopbackRoundTripMs: number;
}

export async function measureMachine(fixtures: FixtureAddresses): Promise<MachineFigures> {
  const starts: number[] = [];
  // The runner's reaped children's CPU time (runners/cpu.ts) grows by exactly these starts' CPU:
  // nothing else ends meanwhile.
  const cpuBefore = runCpuMs();
  for (let i = 0; i < 3; i++) starts.push(await startToExit());
  const cpuAfter = runCpuMs();
  const trips: number[] = [];
  for (let i = 0; i < 5; i++) trips.push(await controlRoundTrip(fixtures));
  return {
    runtimeStartMs: round1(median(starts)),
    runtimeStartCpuMs: cpuBefore !== null && cpuAfter !== null ? round1((cpuAfter - cpuBefore) / starts.length) : null,
    loopbackRoundTripMs: round1(median(trips)),
  };
}

/** The scale the figures call for: start CPU time / reference, never below 1; 1 where unknown. */
export function scaleFor(figures: MachineFigures): number {
  if (figures.runtimeStartCpuMs === null) return 1;
  return Math.min(MAX_SCALE, Math.max(1, round1(figures.runtimeStartCpuMs / REFERENCE_START_CPU_MS)));
}

/** The runner's event-loop delay from now until stop() (what the fixture server, which shares the
 * runner's thread, could not answer during). */
export function watchEventLoop(): { stop: () => { p50: number; p99: number; max: number } } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      const ms = (ns: number) => round1(ns / 1e6);
      return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
    },
  };
}

function startToExit(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

function controlRoundTrip(fixtures: FixtureAddresses): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(fixtures.services.control.ipv4, () => socket.write('QUERY none\n'));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      if (!text.includes('\n')) return;
      resolve(performance.now() - started);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
