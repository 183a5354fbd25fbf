/**
 * One clock for every timestamp in the suite: CLOCK_MONOTONIC in seconds, the clock of
 * `process.hrtime()`, of the native sampler's samples and of Python's `time.monotonic()`, so
 * samples taken inside and outside the process line up.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Now, in seconds on CLOCK_MONOTONIC. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Resolves after `ms` milliseconds (a timer: the event loop keeps running meanwhile). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Process CPU time (user + system, all threads), seconds; exact (getrusage). */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

let clockTicks: number | undefined;
/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, asked once). */
const clkTck = () =>
  (clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100);

/** CPU of this process's waited-for children so far (cutime + cstime), seconds; in clock ticks
 * (10 ms), so only long-running children are measured well. */
export function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): cutime is field 16, cstime field 17.
  return (Number(fields[13]) + Number(fields[14])) / clkTck();
}
