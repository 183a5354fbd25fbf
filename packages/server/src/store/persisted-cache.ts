/**
 * Per-run summaries and statistics kept in the DuckDB file (table `llmmon_run_cache`), so that a
 * new process — a CLI command, a restarted server — answers list, compare and history without
 * scanning every operation again.
 *
 * An entry is used only while its run still has the fingerprint it was computed at: the run's
 * stored row counts (operations, samples, alerts), `updated_at` and `ended_at`. Rows are never
 * changed in place (only appended, or deleted with their run), so every write changes the
 * fingerprint, whoever made it (another llmmon version, any DuckDB client). An entry also
 * carries the format of the code that computed it (a hash of its SQL and `FORMAT_REVISION`):
 * entries of another llmmon version are never read. The table is not a numbered migration: it
 * holds nothing that cannot be recomputed, and any version may empty or drop it.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlParams } from '../db/params.js';
import { runSummariesSql } from './runs-sql.js';
import { modelStatsSql } from './stats-sql.js';

export const CACHE_TABLE = 'llmmon_run_cache';

/** Bump when what `toRunSummary` or `readModelStats` return changes without their SQL changing. */
const FORMAT_REVISION = 1;

/** The format of the entries this code writes and reads. */
export const CACHE_FORMAT = createHash('sha256')
  .update(
    [FORMAT_REVISION, runSummariesSql('SELECT 1'), modelStatsSql('true', ['x'], new SqlParams())].join('\n'),
  )
  .digest('hex')
  .slice(0, 16);

export async function createCacheTable(c: DuckDBConnection): Promise<void> {
  await c.run(
    `CREATE TABLE IF NOT EXISTS ${CACHE_TABLE} (run_id VARCHAR NOT NULL, entry VARCHAR NOT NULL, format VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, value VARCHAR NOT NULL)`,
  );
}

/** The current fingerprint of each of `ids` that is stored (absent ones are left out). */
export async function fingerprints(
  c: DuckDBConnection,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const p = new SqlParams();
  const list = p.list(ids);
  const count = (table: string) =>
    `(SELECT run_id, count(*) AS n FROM ${table} WHERE run_id IN (${list}) GROUP BY run_id)`;
  const r = await c.runAndReadAll(
    `SELECT r.id, concat_ws(' ', coalesce(o.n, 0), coalesce(s.n, 0), coalesce(a.n, 0), epoch_us(r.updated_at), coalesce(epoch_us(r.ended_at), -1))
     FROM runs r LEFT JOIN ${count('operations')} o ON o.run_id = r.id
       LEFT JOIN ${count('samples')} s ON s.run_id = r.id LEFT JOIN ${count('alerts')} a ON a.run_id = r.id
     WHERE r.id IN (${list})`,
    p.values,
  );
  return new Map(r.getRowsJS().map(([id, fp]) => [String(id), String(fp)]));
}

/** Stored values of `entry` for `ids`, each with the fingerprint its run had when it was computed. */
export async function readEntries(
  c: DuckDBConnection,
  entry: string,
  ids: readonly string[],
): Promise<Map<string, { fingerprint: string; value: unknown }>> {
  if (ids.length === 0) return new Map();
  const p = new SqlParams();
  const where = `entry = ${p.one(entry)} AND format = ${p.one(CACHE_FORMAT)} AND run_id IN (${p.list(ids)})`;
  const r = await c.runAndReadAll(
    `SELECT run_id, fingerprint, value FROM ${CACHE_TABLE} WHERE ${where}`,
    p.values,
  );
  return new Map(
    r
      .getRowsJS()
      .map(([id, fingerprint, value]) => [
        String(id),
        { fingerprint: String(fingerprint), value: JSON.parse(String(value)) as unknown },
      ]),
  );
}

export interface CacheEntry {
  run_id: string;
  entry: string;
  fingerprint: string;
  value: unknown;
}

/** Replaces the runs' entries (one transaction on the writer connection). */
export async function writeEntries(c: DuckDBConnection, entries: readonly CacheEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await c.run('BEGIN TRANSACTION');
  try {
    for (const e of entries) {
      await c.run(`DELETE FROM ${CACHE_TABLE} WHERE run_id = $1 AND entry = $2`, [e.run_id, e.entry]);
      await c.run(`INSERT INTO ${CACHE_TABLE} VALUES ($1, $2, $3, $4, $5)`, [
        e.run_id,
        e.entry,
        CACHE_FORMAT,
        e.fingerprint,
        JSON.stringify(e.value),
      ]);
    }
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Deletes every entry of the runs (inside the caller's transaction). */
export async function dropEntries(c: DuckDBConnection, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const p = new SqlParams();
  await c.run(`DELETE FROM ${CACHE_TABLE} WHERE run_id IN (${p.list(runIds)})`, p.values);
}
