/**
 * Rows appended inside a write transaction, for both ingest paths (`writes.ts` and the bulk path
 * `bulk.ts`): the run row, created or updated, and the operations, samples and alerts whose key
 * (`(run_id, seq)`, `(run_id, t)`, the alert's fields) is neither stored nor earlier in the
 * batch, so a retried batch never duplicates.
 */
import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import type { Alert, OperationRecord, RunHeader, Sample } from '@llmmon/core/schema';
import { storedColumns } from '../db/migrations.js';
import { appendRecords, rowReader, selectColumns } from '../db/records.js';
import { ALERTS, ident, OPERATIONS, RUNS, SAMPLES, type Table } from '../db/tables.js';
import { isoToMicros } from '../db/timestamps.js';

interface TableMeta {
  order: string[];
  types: DuckDBType[];
}

/** The rows of a batch that were new, and stored. */
export interface AddedRows {
  newOps: OperationRecord[];
  newSamples: Sample[];
  newAlerts: Alert[];
}

const alertKey = (a: Alert) => JSON.stringify([a.timestamp, a.metric, a.model_name, a.operation, a.seq]);

export class RowWriter {
  private constructor(private readonly meta: ReadonlyMap<string, TableMeta>) {}

  /** Reads each table's stored column order and types (the appender writes in that order). */
  static async load(c: DuckDBConnection): Promise<RowWriter> {
    const meta = new Map<string, TableMeta>();
    for (const table of [RUNS, OPERATIONS, SAMPLES, ALERTS]) {
      const order = await storedColumns(c, table.name);
      const reader = await c.runAndReadAll(`SELECT * FROM ${ident(table.name)} LIMIT 0`);
      meta.set(table.name, { order, types: reader.columnTypes() });
    }
    return new RowWriter(meta);
  }

  /** Inserts or updates the run row (a later header's non-null `ended_at` is kept); true when it was created. */
  async upsertRun(c: DuckDBConnection, run: RunHeader): Promise<boolean> {
    const now = new Date().toISOString();
    // One statement for a run that exists (the common case of live batches): no lookup first.
    const ended = run.ended_at === null ? 'NULL' : `make_timestamptz(${isoToMicros(run.ended_at)})`;
    const updated = await c.run(
      `UPDATE runs SET ended_at = coalesce(${ended}, ended_at), updated_at = make_timestamptz(${isoToMicros(now)}) WHERE id = $1`,
      [run.id],
    );
    if (Number(updated.rowsChanged) > 0) return false;
    await this.append(c, RUNS, [run], { ingested_at: now, updated_at: now });
    return true;
  }

  /** Appends the rows whose key is not stored yet (nor earlier in the batch); returns them. */
  async addRows(
    c: DuckDBConnection,
    runId: string,
    created: boolean,
    operations: readonly OperationRecord[],
    samples: readonly Sample[],
    alerts: readonly Alert[],
  ): Promise<AddedRows> {
    const newOps = created
      ? dedupe(operations, (o) => o.seq!)
      : await withoutStored(c, 'operations', 'seq', runId, operations, (o) => o.seq!);
    const newSamples = created
      ? dedupe(samples, (s) => s.t)
      : await withoutStored(c, 'samples', 't', runId, samples, (s) => s.t);
    const newAlerts = created ? dedupe(alerts, alertKey) : await withoutStoredAlerts(c, runId, alerts);
    await this.append(c, OPERATIONS, newOps, {});
    await this.append(c, SAMPLES, newSamples, { run_id: runId });
    await this.append(c, ALERTS, newAlerts, { run_id: runId });
    return { newOps, newSamples, newAlerts };
  }

  /** Appends records to a table through the appender (data chunks). */
  private async append(
    c: DuckDBConnection,
    table: Table,
    records: readonly object[],
    fixed: Record<string, unknown>,
  ): Promise<void> {
    if (records.length === 0) return;
    const meta = this.meta.get(table.name)!;
    const appender = await c.createAppender(table.name);
    try {
      appendRecords(appender, meta.types, table, meta.order, records as Record<string, unknown>[], fixed);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

/** Rows whose key is neither stored (looked up in the batch's key range only) nor earlier in the batch. */
async function withoutStored<T>(
  c: DuckDBConnection,
  table: string,
  column: string,
  runId: string,
  rows: readonly T[],
  key: (row: T) => number,
): Promise<T[]> {
  if (rows.length === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const k = key(row);
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  const r = await c.runAndReadAll(
    `SELECT ${ident(column)} FROM ${ident(table)} WHERE run_id = $1 AND ${ident(column)} BETWEEN $2 AND $3`,
    [runId, lo, hi],
  );
  const stored = new Set(r.getRowsJS().map((row) => Number(row[0])));
  return dedupe(rows, key, stored);
}

async function withoutStoredAlerts(c: DuckDBConnection, runId: string, alerts: readonly Alert[]) {
  if (alerts.length === 0) return [];
  const r = await c.runAndReadAll(`SELECT ${selectColumns(ALERTS)} FROM alerts WHERE run_id = $1`, [runId]);
  const read = rowReader<Alert>(ALERTS);
  const stored = new Set(r.getRowsJS().map((row) => alertKey(read(row))));
  return dedupe(alerts, alertKey, stored);
}

/** Rows whose key is neither stored nor earlier in the batch (first occurrence wins). */
function dedupe<T, K>(rows: readonly T[], key: (row: T) => K, stored: Set<K> = new Set()): T[] {
  const out: T[] = [];
  for (const row of rows) {
    const k = key(row);
    if (stored.has(k)) continue;
    stored.add(k);
    out.push(row);
  }
  return out;
}
