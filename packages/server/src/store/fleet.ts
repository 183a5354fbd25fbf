/**
 * The local runs and a lake's (lake-source.ts) read as one: run lists, summaries, a run's pages,
 * statistics, comparisons and histories take runs from both. A run in both (this machine's own
 * runs, exported to the lake) is read from the local file, which is never behind the lake.
 */
import type {
  Alert,
  CompareResponse,
  HistoryResponse,
  OperationRecord,
  RunHeader,
  RunModelStats,
  RunSummary,
  Sample,
} from '@llmmon/core/schema';
import { compareResponse } from './compare.js';
import { notFound, type OperationsQuery, pageOf, type Reads, type RunListOptions } from './reads.js';
import type { Statistics } from './statistics.js';
import type { ModelStatsRow } from './stats-sql.js';

/** One source of runs: its reads and statistics. */
export interface RunSource {
  reads: Reads;
  statistics: Statistics;
}

/** The reads of stored runs that the store's facade offers, from one source or from both. */
export type RunReads = Pick<
  Fleet,
  | 'listRuns'
  | 'runSummaries'
  | 'runHeader'
  | 'alerts'
  | 'operations'
  | 'samples'
  | 'runModelStats'
  | 'modelStats'
  | 'compare'
  | 'history'
>;

/** One source's reads as `RunReads`. */
export function sourceReads({ reads, statistics }: RunSource): RunReads {
  return {
    listRuns: (o) => reads.listRuns(o),
    runSummaries: (ids, skip) => reads.runSummaries(ids, skip),
    runHeader: (id) => reads.runHeader(id),
    alerts: (id) => reads.alerts(id),
    operations: (id, q) => reads.operations(id, q),
    samples: (id, max) => reads.samples(id, max),
    runModelStats: (id, exclude) => statistics.runModelStats(id, exclude),
    modelStats: (ids, exclude) => statistics.modelStats(ids, exclude),
    compare: (ids, alpha, exclude) => statistics.compare(ids, alpha, exclude),
    history: (model, limit, exclude) => statistics.history(model, limit, exclude),
  };
}

export class Fleet {
  constructor(
    private readonly local: RunSource,
    private readonly lake: RunSource,
  ) {}

  /** Run summaries of both, newest first (ties by id). */
  async listRuns(options: RunListOptions = {}): Promise<{ total: number; runs: RunSummary[] }> {
    const [mine, theirs] = await Promise.all([this.local.reads.runOrder(), this.lake.reads.runOrder()]);
    const here = new Set(mine.map((r) => r.id));
    const all = [...mine, ...theirs.filter((r) => !here.has(r.id))].sort((a, b) =>
      a.startedUs !== b.startedUs
        ? a.startedUs > b.startedUs
          ? -1
          : 1
        : a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0,
    );
    return pageOf(
      all.map((r) => r.id),
      options,
      (ids) => this.runSummaries(ids, true),
    );
  }

  /** @throws NotFoundError naming the ids in neither */
  async runSummaries(ids: readonly string[], skipMissing = false): Promise<RunSummary[]> {
    const byId = await this.local.reads.summaryMap(ids);
    const rest = ids.filter((id) => !byId.has(id));
    if (rest.length) for (const [id, s] of await this.lake.reads.summaryMap(rest)) byId.set(id, s);
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length && !skipMissing) throw notFound(missing);
    return ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  }

  /** Where run `id` is read from: the local file when it has it. */
  private async source(id: string): Promise<RunSource> {
    return (await this.local.reads.existing([id])).has(id) ? this.local : this.lake;
  }

  async runHeader(id: string): Promise<RunHeader> {
    return (await this.source(id)).reads.runHeader(id);
  }

  async alerts(id: string): Promise<Alert[]> {
    return (await this.source(id)).reads.alerts(id);
  }

  async operations(
    id: string,
    q: OperationsQuery,
  ): Promise<{ total: number; operations: OperationRecord[] }> {
    return (await this.source(id)).reads.operations(id, q);
  }

  async samples(
    id: string,
    maxPoints?: number,
  ): Promise<{ total: number; samples: Sample[]; downsampled: boolean }> {
    return (await this.source(id)).reads.samples(id, maxPoints);
  }

  async runModelStats(id: string, exclude: readonly string[]): Promise<Record<string, RunModelStats>> {
    return (await this.source(id)).statistics.runModelStats(id, exclude);
  }

  async modelStats(ids: readonly string[], exclude: readonly string[]): Promise<ModelStatsRow[]> {
    const here = await this.local.reads.existing(ids);
    const [mine, theirs] = await Promise.all([
      this.local.statistics.modelStats(
        ids.filter((id) => here.has(id)),
        exclude,
      ),
      this.lake.statistics.modelStats(
        ids.filter((id) => !here.has(id)),
        exclude,
      ),
    ]);
    const byRun = new Map<string, ModelStatsRow[]>();
    for (const row of [...mine, ...theirs]) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
    return ids.flatMap((id) => byRun.get(id) ?? []);
  }

  /** Compares runs of either source model by model; `ids[0]` is the baseline (compare.ts). */
  async compare(ids: readonly string[], alpha: number, exclude: readonly string[]): Promise<CompareResponse> {
    const [runs, rows] = await Promise.all([this.runSummaries(ids), this.modelStats(ids, exclude)]);
    return compareResponse(ids, runs, rows, alpha, exclude);
  }

  /** A model's statistics per run of either source: the newest `limit` runs, oldest first. */
  async history(model: string, limit: number, exclude: readonly string[]): Promise<HistoryResponse | null> {
    const [mine, theirs] = await Promise.all([
      this.local.statistics.history(model, limit, exclude),
      this.lake.statistics.history(model, limit, exclude),
    ]);
    if (!mine || !theirs) return mine ?? theirs;
    const here = await this.local.reads.existing(theirs.points.map((p) => p.run.id));
    const points = [...mine.points, ...theirs.points.filter((p) => !here.has(p.run.id))]
      .sort((a, b) =>
        a.run.started_at !== b.run.started_at
          ? Date.parse(a.run.started_at) - Date.parse(b.run.started_at)
          : a.run.id < b.run.id
            ? 1
            : -1,
      )
      .slice(-limit);
    return { ...mine, points };
  }
}
