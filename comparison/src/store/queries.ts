/** The run-store queries as text (shared by the scenario and the report, which prints them). */

/** llmmon's: DuckDB's `quantile_cont` per group. */
export const DUCKDB_P95 =
  'SELECT run_id, model_name, quantile_cont(duration_seconds, 0.95) AS p95\nFROM operations GROUP BY run_id, model_name ORDER BY run_id, model_name';

/**
 * p95 of duration_seconds per (run, model) with window functions: rank within each group, then
 * interpolate between the ranks ⌊(n−1)·0.95⌋ and the next — DuckDB's `quantile_cont`
 * (type 7). SQLite has no percentile aggregate in its standard build.
 */
export const SQLITE_P95_WINDOW = `
WITH ranked AS (
  SELECT run_id, model_name, duration_seconds AS d,
         ROW_NUMBER() OVER (PARTITION BY run_id, model_name ORDER BY duration_seconds) - 1 AS i,
         COUNT(*) OVER (PARTITION BY run_id, model_name) AS n
  FROM operations
), picked AS (
  SELECT run_id, model_name, n, (n - 1) * 0.95 AS pos,
         MAX(CASE WHEN i = CAST((n - 1) * 0.95 AS INTEGER) THEN d END) AS lo,
         MAX(CASE WHEN i = MIN(CAST((n - 1) * 0.95 AS INTEGER) + 1, n - 1) THEN d END) AS hi
  FROM ranked
  WHERE i IN (CAST((n - 1) * 0.95 AS INTEGER), MIN(CAST((n - 1) * 0.95 AS INTEGER) + 1, n - 1))
  GROUP BY run_id, model_name
)
SELECT run_id, model_name, lo + (hi - lo) * (pos - CAST(pos AS INTEGER)) AS p95
FROM picked ORDER BY run_id, model_name`;

/** The per-group query of the OFFSET method (`sqliteP95Offset`). */
export const SQLITE_P95_OFFSET_GROUP =
  'SELECT duration_seconds AS d FROM operations WHERE run_id = ? AND model_name = ? ORDER BY duration_seconds LIMIT 2 OFFSET ?';
