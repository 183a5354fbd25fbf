/**
 * Ground truths for measurement tests, from sources independent of the samplers under test.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory for a test's files. */
export const tempDir = (prefix = 'llmmon-core-') => mkdtempSync(path.join(os.tmpdir(), prefix));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const SCHEDSTAT = '/proc/thread-self/schedstat';

/**
 * Seconds a difference of two {@link schedstat} readings of a running thread may be off: the
 * kernel brings a running thread's count up to date at scheduler ticks (every 4 ms at HZ=250,
 * 10 ms at HZ=100), so each reading lags by less than one tick and their difference is off by
 * less than one tick either way.
 */
export const SCHEDSTAT_LAG = 0.01;

/**
 * The calling thread's scheduler statistics (Linux): nanoseconds on a CPU and nanoseconds
 * runnable but waiting for one. Kept by the scheduler, not by the CPU-time clocks the samplers
 * read, so it tells how much CPU a busy thread could get on a loaded machine. The run time is
 * the kernel's count as last brought up to date: a thread reading its own while it runs sees it
 * up to one scheduler tick old (see {@link SCHEDSTAT_LAG}).
 */
export function schedstat(): { runNs: number; waitNs: number } | null {
  if (!existsSync(SCHEDSTAT)) return null;
  const [run, wait] = readFileSync(SCHEDSTAT, 'utf8').trim().split(/\s+/).map(Number);
  return { runNs: run!, waitNs: wait! };
}

/**
 * Runs `fn` and returns how long this thread was on a CPU and how long it waited runnable
 * meanwhile, from the scheduler (null where /proc/thread-self/schedstat does not exist).
 */
export function scheduled(fn: () => void): { runSeconds: number; waitSeconds: number } | null {
  const before = schedstat();
  fn();
  const after = schedstat();
  if (!before || !after) return null;
  return {
    runSeconds: (after.runNs - before.runNs) / 1e9,
    waitSeconds: (after.waitNs - before.waitNs) / 1e9,
  };
}

/** Spins this thread until the process has used `ms` more milliseconds of user CPU time. */
export function burnCpu(ms: number): void {
  const start = process.cpuUsage().user;
  let x = 0;
  while (process.cpuUsage().user - start < ms * 1000) {
    for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
  }
  if (x < 0) throw new Error('unreachable');
}

/** Node's `http` and `fetch` with their keep-alive pools are shared: tests use distinct agents. */
export const MiB = 1024 * 1024;
