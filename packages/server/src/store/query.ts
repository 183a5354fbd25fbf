/**
 * User SQL, read-only and sandboxed. The instance itself cannot reach files or the network
 * (see db/database.ts); on top of that each query:
 *
 * 1. runs on its own connection, so that interrupting it touches nothing else;
 * 2. must be exactly one statement whose prepared type is SELECT (DuckDB's parser decides, not a
 *    regex: `WITH … SELECT`, `FROM t`, `VALUES`, `DESCRIBE`, `SUMMARIZE` are SELECTs; `COPY`,
 *    `ATTACH`, `INSTALL`, `LOAD`, `SET`, `PRAGMA x=…`, DDL and DML are not);
 * 3. runs inside `BEGIN TRANSACTION READ ONLY`, rolled back afterwards;
 * 4. is interrupted after `timeoutMs` (`connection.interrupt()` leaves the connection usable);
 * 5. returns at most `maxRows` rows (it stops reading there).
 */
import {
  type DuckDBConnection,
  type DuckDBExtractedStatements,
  type DuckDBPreparedStatement,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValueConverter,
  JSDuckDBValueConverter,
  StatementType,
} from '@duckdb/node-api';
import type { QueryColumn } from '@llmmon/core/schema';
import { microsToIso } from '../db/timestamps.js';
import { duckdbMessage, QueryRefusedError, QueryTimeoutError } from './errors.js';

export interface QueryOptions {
  maxRows: number;
  timeoutMs: number;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
}

const STATEMENT_NAMES = Object.fromEntries(
  Object.entries(StatementType)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v, k]),
) as Record<number, string>;

/**
 * Values as JSON: timestamps as ISO 8601 (microseconds kept), 64/128-bit integers as numbers when
 * exact in a double (else strings), bytes as base64; nested values recursively.
 */
const js = JSDuckDBValueConverter as DuckDBValueConverter<unknown>;

const jsonSafe: DuckDBValueConverter<unknown> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP: {
      const micros = (value as { micros: bigint }).micros;
      return typeof micros === 'bigint' ? microsToIso(micros) : String(value);
    }
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM: {
      const big = js(value, type, converter) as bigint;
      return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
    }
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.INTERVAL:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.DECIMAL:
      return type.typeId === DuckDBTypeId.DECIMAL ? Number(value.toString()) : value.toString();
    case DuckDBTypeId.BLOB:
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.GEOMETRY: {
      const bytes = js(value, type, converter) as Uint8Array;
      return Buffer.from(bytes).toString('base64');
    }
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT: {
      const n = value as number;
      return Number.isFinite(n) ? n : String(n);
    }
    default:
      return js(value, type, converter);
  }
};

/**
 * Statement check: one statement, and a SELECT. Returns it prepared (an extracted statement can
 * be prepared only once). @throws QueryRefusedError
 */
export async function checkReadOnly(c: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await c.extractStatements(sql);
  } catch (error) {
    throw new QueryRefusedError(duckdbMessage(error));
  }
  if (extracted.count === 0) throw new QueryRefusedError('sql: no statement');
  let first: DuckDBPreparedStatement | undefined;
  for (let i = 0; i < extracted.count; i++) {
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await extracted.prepare(i);
    } catch (error) {
      throw new QueryRefusedError(duckdbMessage(error));
    }
    first ??= prepared;
    if (prepared.statementType !== StatementType.SELECT) {
      const name = STATEMENT_NAMES[prepared.statementType] ?? String(prepared.statementType);
      throw new QueryRefusedError(`sql: only SELECT queries are allowed (statement ${i + 1} is ${name})`);
    }
  }
  if (extracted.count > 1) {
    throw new QueryRefusedError(`sql: one statement per query (got ${extracted.count})`);
  }
  return first!;
}

/** Runs `fn` with `c` interrupted after `timeoutMs`. @throws QueryTimeoutError */
export async function withTimeLimit<T>(c: DuckDBConnection, timeoutMs: number, fn: () => Promise<T>) {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    c.interrupt();
  }, timeoutMs);
  try {
    return await fn();
  } catch (error) {
    if (timedOut || /INTERRUPT/i.test(String(error))) {
      throw new QueryTimeoutError(`query stopped: it ran longer than the ${timeoutMs / 1000} s time limit`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one read-only SELECT on `c` (a connection of its own) and reads up to maxRows rows. */
export async function runUserQuery(
  c: DuckDBConnection,
  sql: string,
  options: QueryOptions,
): Promise<QueryResult> {
  const started = performance.now();
  const prepared = await checkReadOnly(c, sql);
  await c.run('BEGIN TRANSACTION READ ONLY');
  try {
    return await withTimeLimit(c, options.timeoutMs, async () => {
      let reader: Awaited<ReturnType<typeof prepared.streamAndReadUntil>>;
      try {
        reader = await prepared.streamAndReadUntil(options.maxRows + 1);
      } catch (error) {
        if (/INTERRUPT/i.test(String(error))) throw error;
        throw new QueryRefusedError(duckdbMessage(error));
      }
      const names = reader.columnNames();
      const types: DuckDBType[] = reader.columnTypes();
      const all = reader.convertRows(jsonSafe) as unknown[][];
      const truncated = all.length > options.maxRows;
      return {
        columns: names.map((name, i) => ({ name, type: types[i]!.toString() })),
        rows: truncated ? all.slice(0, options.maxRows) : all,
        truncated,
        elapsedMs: performance.now() - started,
      };
    });
  } finally {
    await c.run('ROLLBACK').catch(() => {});
  }
}
