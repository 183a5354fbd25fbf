/**
 * Memo of values derived from one run's rows (summaries, per-model statistics). A run's rows
 * change only through this process's store (DuckDB lets one process write the file), which
 * invalidates the run after every write. Each run has a generation: a read remembers it when it
 * starts and stores its result only if no write to that run happened meanwhile, so a read that
 * raced an ingest never caches what it saw before the ingest.
 */
export class RunCache<V> {
  private readonly values = new Map<string, Map<string, V>>();
  private readonly generations = new Map<string, number>();

  generation(runId: string): number {
    return this.generations.get(runId) ?? 0;
  }

  get(runId: string, key = ''): V | undefined {
    return this.values.get(runId)?.get(key);
  }

  /** Stores `value` unless the run changed since `generation` was read. */
  set(runId: string, generation: number, value: V, key = ''): void {
    if (this.generation(runId) !== generation) return;
    let byKey = this.values.get(runId);
    if (!byKey) {
      byKey = new Map();
      this.values.set(runId, byKey);
    }
    byKey.set(key, value);
  }

  invalidate(runId: string): void {
    this.generations.set(runId, this.generation(runId) + 1);
    this.values.delete(runId);
  }
}
