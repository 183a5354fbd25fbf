/**
 * CPU time of the calling thread, from Linux's `/proc/thread-self/schedstat` (its first field is
 * the nanoseconds the thread ran on a CPU). A busy machine stretches wall-clock figures; the CPU
 * a thread spent per operation it barely changes. Null where the file does not exist (not Linux).
 */
import { readFileSync } from 'node:fs';

export function threadCpuSeconds(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return null;
  }
}

/** CPU seconds of the whole process (every thread), from Node. */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
