/**
 * One clock for every timestamp in the suite: CLOCK_MONOTONIC in seconds, the clock of
 * `process.hrtime()`, of the native sampler's samples and of Python's `time.monotonic()`, so
 * samples taken inside and outside the process line up.
 */

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
