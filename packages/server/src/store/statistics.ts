/**
 * Reads of per-model statistics (`stats-sql.ts`, through the run cache): a run's statistics,
 * the comparison of runs (`compare.ts`) and a model's history across runs.
 */
import type { CompareResponse, HistoryResponse, RunModelStats } from '@llmmon/core/schema';
import { SqlParams } from '../db/params.js';
import { microsToIso } from '../db/timestamps.js';
import { type Cache, statsEntry } from './cache.js';
import { compareResponse } from './compare.js';
import type { ReadConnections, Reads } from './reads.js';
import { type ModelStatsRow, modelStats, modelStatsSql, readModelStats } from './stats-sql.js';

/** A run that has operations of a model, as a history lists it. */
interface RunRef {
  id: string;
  name: string | null;
  started_at: string;
  hostname: string | null;
}

export class Statistics {
  constructor(
    private readonly connections: ReadConnections,
    private readonly cache: Pick<Cache, 'values' | 'remembered'>,
    private readonly reads: Reads,
  ) {}

  /** Per-(run, model) statistics and the tested fields' summaries (cached per run until it changes). */
  async modelStats(runIds: readonly string[], exclude: readonly string[]): Promise<ModelStatsRow[]> {
    const byRun = await this.cache.values<ModelStatsRow[]>(statsEntry(exclude), runIds, async (todo) => {
      const computed = new Map<string, ModelStatsRow[]>(todo.map((id) => [id, []]));
      const rows = await this.connections.read((c) => modelStats(c, todo, exclude));
      for (const row of rows) computed.get(row.run_id)?.push(row);
      return computed;
    });
    return runIds.flatMap((id) => byRun.get(id) ?? []);
  }

  /** A run's per-model statistics, models in order of first operation. @throws NotFoundError */
  async runModelStats(id: string, exclude: readonly string[]): Promise<Record<string, RunModelStats>> {
    await this.reads.runHeader(id);
    const rows = await this.modelStats([id], exclude);
    return Object.fromEntries(rows.map((r) => [r.model_name, r.stats]));
  }

  /**
   * Compares runs model by model; `ids[0]` is the baseline (see compare.ts).
   * @throws NotFoundError naming unknown runs
   */
  async compare(ids: readonly string[], alpha: number, exclude: readonly string[]): Promise<CompareResponse> {
    // Two connections: the summary scan and the statistics scan overlap.
    const [runs, rows] = await Promise.all([this.reads.runSummaries(ids), this.modelStats(ids, exclude)]);
    return compareResponse(ids, runs, rows, alpha, exclude);
  }

  /** A model's statistics per run, oldest run first; null when no run has the model. */
  async history(model: string, limit: number, exclude: readonly string[]): Promise<HistoryResponse | null> {
    const refs = await this.runsWith(model, limit);
    if (refs.length === 0) return null;
    const stats = await this.statsOf(model, refs, exclude);
    return {
      model_name: model,
      excluded_operations: [...exclude],
      points: refs
        .filter((r) => stats.has(r.id))
        .map((r) => ({
          run: { id: r.id, name: r.name, started_at: r.started_at, hostname: r.hostname },
          stats: stats.get(r.id)!,
        })),
    };
  }

  /** Runs (newest `limit`) that have operations of `model`, oldest first. */
  private async runsWith(model: string, limit: number): Promise<RunRef[]> {
    const refs = await this.connections.read(async (c) => {
      const r = await c.runAndReadAll(
        `SELECT id, name, epoch_us(started_at), host.hostname FROM runs
         WHERE id IN (SELECT DISTINCT run_id FROM operations WHERE model_name = $1)
         ORDER BY started_at DESC, id LIMIT ${limit}`,
        [model],
      );
      return r.getRowsJS().map(([id, name, started, hostname]) => ({
        id: String(id),
        name: (name as string | null) ?? null,
        started_at: microsToIso(started as bigint),
        hostname: (hostname as string | null) ?? null,
      }));
    });
    return refs.reverse();
  }

  /**
   * `model`'s statistics in each of `refs`: from the run's statistics of every model where they
   * are known (a compare's), else from this model's alone, computing only the runs that have
   * neither.
   */
  private async statsOf(
    model: string,
    refs: readonly RunRef[],
    exclude: readonly string[],
  ): Promise<Map<string, RunModelStats>> {
    const allKey = statsEntry(exclude);
    const key = `${allKey} ${JSON.stringify(model)}`;
    const stats = new Map<string, RunModelStats>();
    const pick = (id: string, rows: readonly ModelStatsRow[] | undefined) => {
      const hit = rows?.find((row) => row.model_name === model);
      if (hit) stats.set(id, hit.stats);
    };
    for (const { id } of refs) {
      pick(id, this.cache.remembered(allKey, id) ?? this.cache.remembered(key, id));
    }
    let todo = refs.map((r) => r.id).filter((id) => !stats.has(id));
    if (todo.length) {
      for (const [id, rows] of await this.cache.values<ModelStatsRow[]>(allKey, todo)) pick(id, rows);
      todo = todo.filter((id) => !stats.has(id));
    }
    if (todo.length) {
      const mine = await this.cache.values<ModelStatsRow[]>(key, todo, async (compute) => {
        const rows = await this.connections.read(async (c) => {
          const p = new SqlParams();
          const where = `model_name = ${p.one(model)} AND run_id IN (${p.list(compute)})`;
          const r = await c.runAndReadAll(modelStatsSql(where, exclude, p), p.values);
          return readModelStats(r.getRowsJS());
        });
        return new Map(rows.map((row) => [row.run_id, [row]]));
      });
      for (const [id, rows] of mine) pick(id, rows);
    }
    return stats;
  }
}
