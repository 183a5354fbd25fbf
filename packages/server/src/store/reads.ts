/**
 * Reads of stored runs on the pooled read connections: the run list and summaries (through the
 * run cache), a run's header, a page of its operations, its timeline and its alerts.
 */
import type { Alert, OperationRecord, RunHeader, RunSummary, Sample } from '@llmmon/core/schema';
import { SAMPLE_COLUMNS, SAMPLE_FIELDS } from '@llmmon/core/schema';
import { SqlParams } from '../db/params.js';
import { rowReader, selectColumns } from '../db/records.js';
import { ALERTS, ident, OPERATIONS, RUNS, SAMPLES } from '../db/tables.js';
import { type Cache, SUMMARY_ENTRY } from './cache.js';
import type { Connections } from './connections.js';
import { InputError, NotFoundError } from './errors.js';
import { runSummariesSql, toRunSummary } from './runs-sql.js';

/** Which operations of a run to page through, in which order. */
export interface OperationsQuery {
  model?: string;
  operation?: string;
  status?: 'ok' | 'error';
  sort: string;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Reads a `samples` row selected as `SAMPLE_COLUMNS` (the table's columns but `run_id`). */
const readSample = rowReader<Sample>({
  ...SAMPLES,
  columns: SAMPLES.columns.filter((c) => c.name !== 'run_id'),
});

/**
 * The attached processes' entries of the points a bucket merged, one per pid: the mean of its CPU
 * figures (the points are of equal width), its highest RSS.
 */
export function mergeProcessSamples(entries: Sample['processes']): Sample['processes'] {
  if (!entries) return null;
  const byPid = new Map<number, { cpu: number; n: number; rss: number | null }>();
  for (const e of entries) {
    const m = byPid.get(e.pid) ?? { cpu: 0, n: 0, rss: null };
    if (e.cpu_percent !== null) {
      m.cpu += e.cpu_percent;
      m.n++;
    }
    if (e.rss_mb !== null) m.rss = Math.max(m.rss ?? 0, e.rss_mb);
    byPid.set(e.pid, m);
  }
  return [...byPid].map(([pid, m]) => ({ pid, cpu_percent: m.n ? m.cpu / m.n : null, rss_mb: m.rss }));
}

/** Where reads run: the local file's pooled connections, or the lake's (lake-source.ts). */
export type ReadConnections = Pick<Connections, 'read'>;

/** Which runs a list shows. */
export interface RunListOptions {
  model?: string;
  limit?: number;
  offset?: number;
}

/** A page of the runs `ids` (in that order) as summaries; `model` keeps runs with that model. */
export async function pageOf(
  ids: readonly string[],
  options: RunListOptions,
  summaries: (ids: readonly string[]) => Promise<RunSummary[]>,
): Promise<{ total: number; runs: RunSummary[] }> {
  const { model, limit = 100, offset = 0 } = options;
  if (!model) return { total: ids.length, runs: await summaries(ids.slice(offset, offset + limit)) };
  const all = (await summaries(ids)).filter((r) => r.models.includes(model));
  return { total: all.length, runs: all.slice(offset, offset + limit) };
}

/** The error for runs that are not stored, naming them. */
export function notFound(missing: readonly string[]): NotFoundError {
  const names = missing.map((m) => JSON.stringify(m)).join(', ');
  return new NotFoundError(missing.length > 1 ? `runs not found: ${names}` : `run ${names} not found`);
}

export class Reads {
  constructor(
    private readonly connections: ReadConnections,
    private readonly cache: Pick<Cache, 'values'>,
  ) {}

  async counts(): Promise<{ runs: number; operations: number }> {
    return this.connections.read(async (c) => {
      const r = await c.runAndReadAll(
        'SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM operations)',
      );
      const [runs, operations] = r.getRowsJS()[0]!;
      return { runs: Number(runs), operations: Number(operations) };
    });
  }

  /** Every run's id and start (µs since the epoch), newest first (ties by id). */
  async runOrder(): Promise<{ id: string; startedUs: bigint }[]> {
    return this.connections.read(async (c) => {
      const r = await c.runAndReadAll(
        'SELECT id, epoch_us(started_at) FROM runs ORDER BY started_at DESC, id',
      );
      return r.getRowsJS().map((row) => ({ id: String(row[0]), startedUs: row[1] as bigint }));
    });
  }

  /** Which of `ids` are stored. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    return this.connections.read(async (c) => {
      const p = new SqlParams();
      const r = await c.runAndReadAll(`SELECT id FROM runs WHERE id IN (${p.list(ids)})`, p.values);
      return new Set(r.getRowsJS().map((row) => String(row[0])));
    });
  }

  /** Run summaries, newest first; `model` keeps runs with operations of that model. */
  async listRuns(options: RunListOptions = {}) {
    const ids = (await this.runOrder()).map((r) => r.id);
    return pageOf(ids, options, (some) => this.runSummaries(some, true));
  }

  /**
   * Summaries of the given runs, in the order asked (cached per run until it changes).
   * @param skipMissing leave out runs deleted meanwhile instead of failing
   * @throws NotFoundError naming the missing ids
   */
  async runSummaries(ids: readonly string[], skipMissing = false): Promise<RunSummary[]> {
    const byId = await this.summaryMap(ids);
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length && !skipMissing) throw notFound(missing);
    return ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  }

  /** The summaries of those of `ids` that are stored. */
  async summaryMap(ids: readonly string[]): Promise<Map<string, RunSummary>> {
    return this.cache.values<RunSummary>(SUMMARY_ENTRY, ids, (todo) =>
      this.connections.read(async (c) => {
        const p = new SqlParams();
        const r = await c.runAndReadAll(
          runSummariesSql(`SELECT id FROM runs WHERE id IN (${p.list(todo)})`),
          p.values,
        );
        return new Map(
          r
            .getRowsJS()
            .map(toRunSummary)
            .map((summary) => [summary.id, summary]),
        );
      }),
    );
  }

  /** @throws NotFoundError */
  async runHeader(id: string): Promise<RunHeader> {
    const header = await this.connections.read(async (c) => {
      const r = await c.runAndReadAll(`SELECT ${selectColumns(RUNS)} FROM runs WHERE id = $1`, [id]);
      const row = r.getRowsJS()[0];
      return row ? rowReader<RunHeader & { ingested_at?: string; updated_at?: string }>(RUNS)(row) : null;
    });
    if (!header) throw new NotFoundError(`run ${JSON.stringify(id)} not found`);
    const { ingested_at: _i, updated_at: _u, ...run } = header;
    return run;
  }

  async alerts(id: string): Promise<Alert[]> {
    return this.connections.read(async (c) => {
      const r = await c.runAndReadAll(
        `SELECT ${selectColumns(ALERTS)} FROM alerts WHERE run_id = $1 ORDER BY "timestamp", seq`,
        [id],
      );
      const read = rowReader<Record<string, unknown>>(ALERTS);
      return r.getRowsJS().map((row) => {
        const { run_id: _r, ...alert } = read(row);
        return alert as Alert;
      });
    });
  }

  /** A page of a run's operations. @throws NotFoundError */
  async operations(
    id: string,
    q: OperationsQuery,
  ): Promise<{ total: number; operations: OperationRecord[] }> {
    await this.runHeader(id);
    const conds = ['run_id = $1'];
    const params: string[] = [id];
    if (q.model) conds.push(`model_name = $${params.push(q.model)}`);
    if (q.operation) conds.push(`operation = $${params.push(q.operation)}`);
    if (q.status === 'error') conds.push(`status = 'error'`);
    if (q.status === 'ok') conds.push(`status IS DISTINCT FROM 'error'`);
    if (!OPERATIONS.columns.some((c) => c.name === q.sort))
      throw new InputError(`sort: unknown column ${q.sort}`);
    const where = conds.join(' AND ');
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    return this.connections.read(async (c) => {
      const total = await c.runAndReadAll(`SELECT count(*) FROM operations WHERE ${where}`, params);
      const rows = await c.runAndReadAll(
        `SELECT ${selectColumns(OPERATIONS)} FROM operations WHERE ${where} ORDER BY ${ident(q.sort)} ${dir} NULLS LAST, seq ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`,
        params,
      );
      const read = rowReader<OperationRecord>(OPERATIONS);
      return { total: Number(total.getRowsJS()[0]![0]), operations: rows.getRowsJS().map(read) };
    });
  }

  /**
   * A run's timeline in time order; `maxPoints` thins it into evenly spaced buckets of t (each
   * keeps its last t, mean CPU figures and highest RSS). @throws NotFoundError
   */
  async samples(
    id: string,
    maxPoints?: number,
  ): Promise<{ total: number; samples: Sample[]; downsampled: boolean }> {
    await this.runHeader(id);
    return this.connections.read(async (c) => {
      const total = Number(
        (await c.runAndReadAll('SELECT count(*) FROM samples WHERE run_id = $1', [id])).getRowsJS()[0]![0],
      );
      const names = SAMPLE_COLUMNS;
      let sql = `SELECT ${names.map(ident).join(', ')} FROM samples WHERE run_id = $1 ORDER BY t`;
      const downsampled = maxPoints !== undefined && total > maxPoints;
      if (downsampled) {
        // Per bucket: the highest of the fields that say so (`bucket: 'max'`: its last t, the
        // peaks, the longest tick interval), the mean of the rest; the attached processes' entries
        // of every point, merged per pid below.
        const pick = (name: string) =>
          name === 'processes'
            ? `flatten(list(${ident(name)}) FILTER (WHERE ${ident(name)} IS NOT NULL))`
            : `${SAMPLE_FIELDS[name as keyof typeof SAMPLE_FIELDS].bucket === 'max' ? 'max' : 'avg'}(${ident(name)})`;
        sql = `WITH s AS (SELECT * FROM samples WHERE run_id = $1),
          b AS (SELECT min(t) AS lo, greatest(max(t) - min(t), 1e-12) AS span FROM s)
          SELECT ${names.map((n) => `${pick(n)} AS ${ident(n)}`).join(', ')}
          FROM s, b GROUP BY least(floor((t - lo) / span * ${maxPoints}), ${maxPoints - 1}) ORDER BY t`;
      }
      const rows = (await c.runAndReadAll(sql, [id])).getRowsJS();
      const samples = rows.map(readSample);
      if (downsampled) for (const sample of samples) sample.processes = mergeProcessSamples(sample.processes);
      return { total, samples, downsampled };
    });
  }
}
