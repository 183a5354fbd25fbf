/**
 * Warming the run cache: once writes to a run settle (none for `WARM_DELAY_MS`), computes its
 * summary and default per-model statistics in the background, so that the first list, compare or
 * history after an ingest is answered from the cache instead of scanning the run's operations.
 */
import type { Connections } from './connections.js';

/** Quiet time after a run's last write before its statistics are computed in the background. */
const WARM_DELAY_MS = 1000;

export class Warmer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connections: Connections,
    private readonly warm: (runId: string) => Promise<unknown>,
  ) {}

  /** (Re)starts the quiet time of a run that was just written. */
  schedule(runId: string): void {
    clearTimeout(this.timers.get(runId));
    const timer = setTimeout(() => {
      this.timers.delete(runId);
      this.connections.later(() => this.warm(runId));
    }, WARM_DELAY_MS);
    timer.unref();
    this.timers.set(runId, timer);
  }

  /** Drops the runs waiting for their quiet time (the store is closing). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
