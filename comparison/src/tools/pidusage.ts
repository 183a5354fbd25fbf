/**
 * pidusage (npm), polled as its README does: a `setTimeout` chain (so calls never overlap), once
 * a second by default. It reads `/proc/<pid>/stat` asynchronously and reports RSS and the CPU %
 * since its previous call (100 = one core).
 */
import pidusage from 'pidusage';
import { ChainedPoller, intervalLabel, type Reading } from './in-process.js';
import type { Trace } from './types.js';

export class PidusagePoller extends ChainedPoller {
  constructor(
    intervalMs: number,
    readonly pid: number = process.pid,
  ) {
    super('pidusage', `pidusage @ ${intervalLabel(intervalMs)}`, intervalMs);
  }

  protected async read(): Promise<Reading> {
    const stats = await pidusage(this.pid);
    return { rss_bytes: stats.memory, cpu_seconds: null, cpu_percent: stats.cpu, threads: null };
  }

  override async stop(): Promise<Trace> {
    const trace = await super.stop();
    // pidusage keeps per-pid history for its CPU deltas; drop it with the poller.
    pidusage.clear();
    return trace;
  }
}
