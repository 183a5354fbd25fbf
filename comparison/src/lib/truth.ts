/**
 * Ground truth, read from the kernel rather than from any tool under test.
 *
 * - CPU of a thread: `/proc/self/task/<tid>/schedstat`, first field = the scheduler's
 *   sum_exec_runtime in nanoseconds (the counter behind the thread's CPU clock). The kernel
 *   brings it up to date when the thread stops running, so read it while the thread is blocked
 *   (before it starts its work and after it reported the work done), never while it runs.
 * - Resident set size now: `process.memoryUsage.rss()` (`/proc/self/stat` × page size).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time a thread of this process has used so far, seconds (see the note above). */
export function threadCpuSeconds(tid: number): number {
  const text = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8');
  const ns = Number(text.split(' ')[0]);
  if (!Number.isFinite(ns)) throw new Error(`schedstat of thread ${tid} unreadable: ${JSON.stringify(text)}`);
  return ns / 1e9;
}

/** Thread ids of this process now. */
export function threadIds(): number[] {
  return readdirSync('/proc/self/task').map(Number);
}

/** Resident set size of this process now, bytes. */
export function rssBytes(): number {
  return process.memoryUsage.rss();
}
