/**
 * The run cache: values computed from a run's rows (its summary, its per-model statistics) held
 * in memory (`run-cache.ts`) and kept in the DuckDB file (`persisted-cache.ts`), so that neither
 * this process nor the next one scans a run's operations twice while the run is unchanged.
 *
 * Each value has an entry name, the same in memory and in the file (`SUMMARY_ENTRY`,
 * `statsEntry(…)`). The writes tell the cache which run changed (`invalidate`) right after each
 * commit; a value read from the file counts only while its run's fingerprint is the one it was
 * computed at.
 */
import type { Connections } from './connections.js';
import { type CacheEntry, fingerprints, readEntries, writeEntries } from './persisted-cache.js';
import { RunCache } from './run-cache.js';

/** Entry of a run's summary. */
export const SUMMARY_ENTRY = 'summary';

/** Entry of a run's per-model statistics without the given operations. */
export const statsEntry = (exclude: readonly string[]) => `stats ${JSON.stringify([...exclude].sort())}`;

export class Cache {
  private readonly memory = new RunCache<unknown>();
  private readonly fingerprints = new RunCache<string>();

  constructor(private readonly connections: Connections) {}

  /** The value of `entry` held in memory for run `id` (nothing is read). */
  remembered<V>(entry: string, id: string): V | undefined {
    return this.memory.get(id, entry) as V | undefined;
  }

  /**
   * Values of `entry` for `ids`: held in memory, else kept in the file for an unchanged run, else
   * from `compute` (given the rest; runs it leaves out have no value), which are then held in
   * memory and kept in the file in the background. Without `compute`, only what is known.
   */
  async values<V>(
    entry: string,
    ids: readonly string[],
    compute?: (ids: string[]) => Promise<ReadonlyMap<string, V>>,
  ): Promise<Map<string, V>> {
    const out = new Map<string, V>();
    const todo: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.remembered<V>(entry, id);
      if (hit === undefined) todo.push(id);
      else out.set(id, hit);
    }
    if (todo.length === 0) return out;
    const generations = new Map(todo.map((id) => [id, this.memory.generation(id)]));
    const stored = (await this.stored(entry, todo)) as Map<string, V>;
    const rest = todo.filter((id) => !stored.has(id));
    const computed = compute && rest.length ? await compute(rest) : new Map<string, V>();
    this.keep(entry, computed, generations);
    for (const [id, value] of [...stored, ...computed]) {
      out.set(id, value);
      this.memory.set(id, generations.get(id)!, value, entry);
    }
    return out;
  }

  /** Forgets what is held in memory about a run: the writes call it right after each commit. */
  invalidate(runId: string): void {
    this.memory.invalidate(runId);
    this.fingerprints.invalidate(runId);
  }

  /** Current fingerprints of the stored runs among `ids` (held per run until it changes). */
  private async fingerprintsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const todo: string[] = [];
    for (const id of ids) {
      const fp = this.fingerprints.get(id);
      if (fp === undefined) todo.push(id);
      else out.set(id, fp);
    }
    if (todo.length) {
      const generations = new Map(todo.map((id) => [id, this.fingerprints.generation(id)]));
      for (const [id, fp] of await this.connections.read((c) => fingerprints(c, todo))) {
        out.set(id, fp);
        this.fingerprints.set(id, generations.get(id)!, fp);
      }
    }
    return out;
  }

  /**
   * Values of `entry` kept in the file for `ids` whose runs have not changed since. The runs'
   * fingerprints are read only when there are entries to check (a run's first read pays nothing).
   */
  private async stored(entry: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    const stored = await this.connections.read((c) => readEntries(c, entry, ids));
    const valid = new Map<string, unknown>();
    if (stored.size === 0) return valid;
    const current = await this.fingerprintsOf([...stored.keys()]);
    for (const [id, { fingerprint, value }] of stored) {
      if (current.get(id) === fingerprint) valid.set(id, value);
    }
    return valid;
  }

  /**
   * Keeps computed values in the file, in the background (after the writes queued before), for
   * the runs that did not change since `generations` were read. On the writer's turn no write is
   * under way, so the fingerprint read then is the one the values belong to.
   */
  private keep(
    entry: string,
    values: ReadonlyMap<string, unknown>,
    generations: ReadonlyMap<string, number>,
  ): void {
    if (values.size === 0) return;
    this.connections.later(() =>
      this.connections.exclusive(async (c) => {
        const ids = [...values.keys()].filter((id) => this.memory.generation(id) === generations.get(id));
        const current = await this.fingerprintsOf(ids);
        const entries: CacheEntry[] = [];
        for (const id of ids) {
          const fingerprint = current.get(id);
          if (fingerprint !== undefined)
            entries.push({ run_id: id, entry, fingerprint, value: values.get(id) });
        }
        await writeEntries(c, entries);
      }),
    );
  }
}
