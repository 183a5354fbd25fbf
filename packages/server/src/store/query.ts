/**
 * User SQL, read-only and sandboxed. The instance itself cannot reach files outside its scratch
 * folder or the network (see db/database.ts); on top of that each query:
 *
 * 1. runs on its own connection, so that interrupting it touches nothing else;
 * 2. must be exactly one statement whose prepared type is SELECT (DuckDB's parser decides, not a
 *    regex: `WITH … SELECT`, `FROM t`, `VALUES`, `DESCRIBE`, `SUMMARIZE` are SELECTs; `COPY`,
 *    `ATTACH`, `INSTALL`, `LOAD`, `SET`, `PRAGMA`, `CALL`, DDL and DML are not);
 * 3. may call only the table functions in `TABLE_FUNCTIONS` and read no file by name, checked on
 *    DuckDB's own syntax tree (`json_serialize_sql`) before it runs: a SELECT can otherwise call
 *    table functions that change the instance although its configuration is locked
 *    (`enable_logging` — which, pointed at a folder the sandbox forbids, aborts the process at
 *    the next query — `checkpoint`, `disable_peg_parser`), run SQL no check sees (`query`,
 *    `json_execute_serialized_sql`), or read the scratch folder that exports must be allowed
 *    to use (`read_text`, `glob`, `FROM '/path/file.csv'`);
 * 4. runs inside `BEGIN TRANSACTION READ ONLY`, rolled back afterwards;
 * 5. is interrupted at its deadline by `QueryGate` (query-gate.ts), which also bounds how many run;
 * 6. returns at most `maxRows` rows and about `maxBytes` of JSON (`jsonSize`; it stops reading
 *    there).
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
import { literal } from '../db/tables.js';
import { inDateRange, microsToIso } from '../db/timestamps.js';
import { duckdbMessage, isDuckDBError, QueryRefusedError } from './errors.js';
import { COPY_OPTIONS } from './export-sql.js';
import { DEFAULT_QUERY_MAX_BYTES } from './query-limits.js';

/** A value bound to a placeholder of user SQL. */
export type QueryParam = string | number | boolean | null;

export interface QueryOptions {
  maxRows: number;
  /** Values of the query's placeholders (`$1` or `?`), in order. */
  params?: readonly QueryParam[];
  timeoutMs: number;
  /** Most JSON text the rows may take, as `jsonSize` estimates it (default `DEFAULT_QUERY_MAX_BYTES`). */
  maxBytes?: number;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: unknown[][];
  /** Rows were left out: more than `maxRows`, or more than `maxBytes`. */
  truncated: boolean;
  elapsedMs: number;
}

/**
 * The table functions user SQL may call: views of the catalog (read-only) and generators. No file
 * readers (`histogram('file.csv', col)` reads the file it names, so no `histogram` either), nothing
 * that changes the instance, nothing that runs SQL text, nothing that shows the scratch folder's
 * or the file's path (`duckdb_settings`, `duckdb_databases`).
 */
const TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  // generators
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  // the catalog and the settings
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_memory',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'pragma_table_info',
  'table_info',
  'pragma_storage_info',
  'storage_info',
  'pragma_database_size',
  'database_size',
  'pragma_version',
  'version',
  'pragma_platform',
  'platform',
  'pg_timezone_names',
]);

/** Scalar functions user SQL may not call: `current_setting` shows the sandbox's folders. */
const REFUSED_FUNCTIONS: ReadonlySet<string> = new Set(['current_setting']);

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
      // Beyond what `Date` holds (`'infinity'`, year 294247): DuckDB's own text.
      const micros = (value as { micros: bigint }).micros;
      return typeof micros === 'bigint' && inDateRange(micros) ? microsToIso(micros) : String(value);
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
 * Statement check: one statement, and a SELECT, calling only `TABLE_FUNCTIONS` and reading no
 * file. Returns it prepared (an extracted statement can be prepared only once). The table
 * references of SELECTs are checked before they are bound: binding opens the files a query
 * names (it runs nothing). @throws QueryRefusedError
 */
async function checkReadOnly(c: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let extracted: DuckDBExtractedStatements;
  try {
    extracted = await c.extractStatements(sql);
  } catch (error) {
    throw new QueryRefusedError(duckdbMessage(error));
  }
  if (extracted.count === 0) throw new QueryRefusedError('sql: no statement');
  const tree = await syntaxTree(c, sql);
  if (tree.statements) checkReferences(tree.statements);
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
  if (!tree.statements) {
    // Prepared as a SELECT but no SELECT in the syntax tree: a PRAGMA, which DuckDB rewrites
    // into a query of its own.
    throw new QueryRefusedError(
      /Only SELECT/.test(tree.error)
        ? "sql: only SELECT queries are allowed (PRAGMA: use DESCRIBE tbl, or SELECT … FROM pragma_table_info('tbl'))"
        : `sql: cannot check this query (${tree.error})`,
    );
  }
  return first!;
}

/** DuckDB's syntax tree of `sql` (parsed, not bound): its statements, or why there is none. */
async function syntaxTree(
  c: DuckDBConnection,
  sql: string,
): Promise<{ statements: unknown[]; error?: undefined } | { statements?: undefined; error: string }> {
  const reader = await c.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const tree = JSON.parse(String(reader.getRowsJS()[0]![0])) as {
    error: boolean;
    error_message?: string;
    statements?: unknown[];
  };
  return tree.error || !tree.statements
    ? { error: tree.error_message ?? 'no syntax tree' }
    : { statements: tree.statements };
}

/**
 * Refuses table functions outside `TABLE_FUNCTIONS` and tables named by a path (DuckDB reads
 * `FROM '/dir/file.csv'` as a file) anywhere in the tree: joins, subqueries, CTEs.
 */
function checkReferences(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.type === 'TABLE_FUNCTION') {
    const name = String((n.function as { function_name?: unknown } | undefined)?.function_name).toLowerCase();
    if (!TABLE_FUNCTIONS.has(name)) {
      throw new QueryRefusedError(
        `sql: table function ${name}() is not allowed (only generators such as range() and catalog views such as duckdb_tables())`,
      );
    }
  }
  if (n.class === 'FUNCTION' && typeof n.function_name === 'string') {
    const name = n.function_name.toLowerCase();
    if (REFUSED_FUNCTIONS.has(name)) throw new QueryRefusedError(`sql: function ${name}() is not allowed`);
  }
  if (n.type === 'BASE_TABLE' && /[/\\]/.test(String(n.table_name))) {
    throw new QueryRefusedError(`sql: reading files is not allowed (${JSON.stringify(n.table_name)})`);
  }
  // Arrays' items too: Object.values of an array is its items.
  for (const value of Object.values(n)) checkReferences(value);
}

/**
 * Checks `sql`, then runs `fn` in a read-only transaction; rolls back. The time limit is the
 * caller's (`QueryGate` interrupts `c`).
 */
async function readOnly<T>(
  c: DuckDBConnection,
  sql: string,
  fn: (prepared: DuckDBPreparedStatement) => Promise<T>,
): Promise<T> {
  const prepared = await checkReadOnly(c, sql);
  await c.run('BEGIN TRANSACTION READ ONLY');
  try {
    return await fn(prepared);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') {
      throw new QueryRefusedError('sql: a value of the result is too long to return (over 512 MB of text)');
    }
    // What DuckDB says while it runs the query (`Conversion Error: …`) is the query's fault.
    if (isDuckDBError(error)) throw new QueryRefusedError(duckdbMessage(error));
    throw error;
  } finally {
    await c.run('ROLLBACK').catch(() => {});
  }
}

/**
 * About the length of `value` as JSON, cheaply (a tenth of what JSON.stringify costs): strings by
 * their length, numbers as 8 characters. A size limit needs no more.
 * @example jsonSize([0, 'xyz']) // 2 + (8 + 1) + (5 + 1) = 17 (JSON.stringify gives 9)
 */
export function jsonSize(value: unknown): number {
  if (value === null || value === undefined) return 4;
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return 8;
    case 'boolean':
      return 5;
    case 'object': {
      let n = 2;
      if (Array.isArray(value)) for (const item of value) n += jsonSize(item) + 1;
      else for (const [k, v] of Object.entries(value)) n += k.length + 4 + jsonSize(v);
      return n;
    }
    default:
      return String(value).length;
  }
}

/** Refuses params that the statement's placeholders do not match one for one (a 4xx, not a bind error). */
function checkParamCount(prepared: DuckDBPreparedStatement, params: readonly QueryParam[] | undefined): void {
  const given = params?.length ?? 0;
  if (given !== prepared.parameterCount) {
    throw new QueryRefusedError(
      `params: the SQL has ${prepared.parameterCount} placeholder(s) but ${given} value(s) were given`,
    );
  }
}

/** Runs one read-only SELECT on `c` (a connection of its own) and reads up to the limits. */
export async function runUserQuery(
  c: DuckDBConnection,
  sql: string,
  options: QueryOptions,
): Promise<QueryResult> {
  const started = performance.now();
  const maxBytes = options.maxBytes ?? DEFAULT_QUERY_MAX_BYTES;
  return readOnly(c, sql, async (prepared) => {
    checkParamCount(prepared, options.params);
    if (options.params?.length) prepared.bind([...options.params]);
    const result = await prepared.stream();
    const types: DuckDBType[] = result.columnTypes();
    const rows: unknown[][] = [];
    let bytes = 0;
    let truncated = false;
    read: for await (const chunk of result.yieldConvertedRows(jsonSafe)) {
      for (const row of chunk as unknown[][]) {
        bytes += jsonSize(row);
        if (rows.length === options.maxRows || bytes > maxBytes) {
          truncated = true;
          break read;
        }
        rows.push(row);
      }
    }
    return {
      columns: result.columnNames().map((name, i) => ({ name, type: types[i]!.toString() })),
      rows,
      truncated,
      elapsedMs: performance.now() - started,
    };
  });
}

/**
 * Writes the result of one read-only SELECT to `path` as Parquet: the whole result or nothing.
 * @throws QueryRefusedError when it has more than `maxRows` rows
 */
export async function writeUserQueryParquet(
  c: DuckDBConnection,
  sql: string,
  path: string,
  options: Omit<QueryOptions, 'maxBytes'>,
): Promise<void> {
  const query = sql.replace(/[;\s]+$/, '');
  await readOnly(c, query, async (prepared) => {
    checkParamCount(prepared, options.params);
    // `path` is a scratch path this program made (the user's placeholders may be `?`, which
    // cannot mix with a `$n` of ours); the user's values are bound.
    const written = await c.run(
      `COPY (SELECT * FROM (\n${query}\n) LIMIT ${options.maxRows + 1}) TO ${literal(path)} ${COPY_OPTIONS.parquet}`,
      options.params?.length ? [...options.params] : undefined,
    );
    if (Number(written.rowsChanged) > options.maxRows) {
      throw new QueryRefusedError(
        `sql: the result has more than ${options.maxRows} rows (max_rows); add a LIMIT or an aggregate`,
      );
    }
  });
}
