/**
 * Bulk ingest of a large metrics file from disk: the records array goes to DuckDB's JSON reader
 * (parallel, native) through a copy in the sandbox's scratch folder; only the rest of the file
 * (run header, samples, alerts: small) is parsed and validated in JS with core's schema. The
 * records are checked in SQL with rules derived from the same field specs (bulk-sql.ts), then
 * inserted in the same single transaction as the run, samples and alerts, through the same
 * `RowWriter` as the exact path; `committed(runId)` is called right after the commit.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  type Alert,
  describeZodError,
  METRICS_FORMAT,
  MetricsFileSchema,
  type NormalizeOptions,
  OPERATION_FIELDS,
  originalRunHeader,
  type RunHeader,
  type Sample,
} from '@llmmon/core/schema';
import { SqlParams } from '../db/params.js';
import { ident, literal, OPERATIONS } from '../db/tables.js';
import {
  type ByteSource,
  fileSource,
  JsonSyntaxError,
  locateRecords,
  parseRest,
  type RecordsLocation,
} from '../json/locate.js';
import { castSql, insertColumns, problemSql, readJsonColumns } from './bulk-sql.js';
import type { Connections } from './connections.js';
import { duckdbMessage, InputError } from './errors.js';
import { type IngestResult, ingestResult } from './ingest-result.js';
import type { RowWriter } from './rows.js';

const STAGING = 'llmmon_bulk_staging';

/** What the rest of the file says: an llmmon header, or an original-monitor file. */
type Rest = { kind: 'llmmon'; run: RunHeader; samples: Sample[]; alerts: Alert[] } | { kind: 'original' };

function readRest(src: ByteSource, loc: RecordsLocation, key: string): Rest {
  let rest: unknown;
  try {
    rest = parseRest(src, loc);
  } catch (error) {
    throw new InputError(`not JSON outside the "${key}" array (${(error as Error).message})`);
  }
  if (Array.isArray(rest) || typeof rest !== 'object' || rest === null || !('format' in rest)) {
    return { kind: 'original' };
  }
  if (loc.key !== 'operations')
    throw new InputError(`format: an llmmon file keeps its records in "operations"`);
  if ((rest as { format: unknown }).format !== METRICS_FORMAT) {
    throw new InputError(
      `format: unsupported metrics format ${JSON.stringify((rest as { format: unknown }).format)} (expected "${METRICS_FORMAT}")`,
    );
  }
  const parsed = MetricsFileSchema.safeParse(rest);
  if (!parsed.success) throw new InputError(describeZodError(parsed.error));
  return { kind: 'llmmon', run: parsed.data.run, samples: parsed.data.samples, alerts: parsed.data.alerts };
}

/** Copies bytes [start, end] of `src` to a new file at `path` (plain synchronous I/O: the fastest here). */
async function copyRange(src: ByteSource, start: number, end: number, path: string): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    const STEP = 16 << 20;
    for (let pos = start; pos <= end; pos += STEP) {
      const piece = src.read(pos, Math.min(STEP, end + 1 - pos));
      let done = 0;
      while (done < piece.length) done += writeSync(fd, piece, done);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the records array [start, end] as newline-delimited JSON, which DuckDB reads in
 * parallel (an array it reads on one thread): compact writers (JSON.stringify, core's file
 * writer) separate records with `},{"<first key>":`, and such a separator cannot occur inside a
 * string (its quotes would be escaped); its comma becomes a newline. Where the guess fails (a
 * pretty-printed file, the same pattern in nested metadata) the lines are not valid JSON
 * objects, DuckDB refuses them, and the caller takes the array path. Returns the number of lines
 * written (records, when DuckDB accepts them), or null when the array does not start with an
 * object.
 */
export function copyAsLines(
  src: ByteSource,
  start: number,
  end: number,
  path: string,
  step = 16 << 20,
): number | null {
  const head = src.read(start, 4096).toString('utf8');
  const firstKey = /^\[\s*\{\s*("(?:[^"\\]|\\.)*")\s*:/.exec(head)?.[1];
  if (!firstKey) return null;
  const sep = Buffer.from(`},{${firstKey}:`);
  let lines = 1;
  const STEP = step;
  // One buffer for the whole copy (fresh 16 MB buffers would cost page faults and GC); it starts
  // with the bytes kept from the previous piece, where a separator may begin.
  const buf = Buffer.allocUnsafe(STEP + sep.length);
  let kept = 0;
  const fd = openSync(path, 'w');
  try {
    for (let pos = start; pos <= end; ) {
      const n = src.readInto(buf, kept, Math.min(STEP, end + 1 - pos), pos);
      if (n === 0) throw new Error(`unexpected end of file at byte ${pos}`);
      const last = pos + n > end;
      if (pos === start) buf[kept] = 0x20; // the array's '['
      if (last) buf[kept + n - 1] = 0x0a; // its ']'
      const filled = buf.subarray(0, kept + n);
      for (let i = filled.indexOf(sep); i >= 0; i = filled.indexOf(sep, i + 2)) {
        filled[i + 1] = 0x0a;
        lines++;
      }
      const keep = last ? 0 : Math.min(sep.length - 1, filled.length);
      let done = 0;
      while (done < filled.length - keep) done += writeSync(fd, filled, done, filled.length - keep - done);
      filled.copyWithin(0, filled.length - keep);
      kept = keep;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

/** Loads the array at `path` into the staging table; false when DuckDB finds it malformed. */
async function stage(c: DuckDBConnection, path: string, key: string): Promise<true | string> {
  await c.run(`DROP TABLE IF EXISTS ${STAGING}`);
  try {
    const p = new SqlParams();
    await c.run(
      `CREATE TEMP TABLE ${STAGING} AS SELECT * FROM read_json(${p.one(path)}, format = 'array', columns = ${readJsonColumns(OPERATION_FIELDS)}, maximum_object_size = 268435456)`,
      p.values,
    );
    return true;
  } catch (error) {
    const message = duckdbMessage(error).replace(/ in file "[^"]*"/, '');
    if (/Malformed JSON|unexpected/i.test(message)) return message;
    const record = /record\/value (\d+)/.exec(message)?.[1];
    throw new InputError(`${key}${record ? `[${Number(record) - 1}]` : ''}: ${message}`);
  }
}

/** The first record that breaks a rule, as `operations[i].field: problem`; null when none. */
async function firstProblem(c: DuckDBConnection, key: string): Promise<string | null> {
  const problems = OPERATIONS.columns.map((col) => problemSql(col.spec, ident(col.name), literal(col.name)));
  const r = await c.runAndReadAll(
    `SELECT rowid, problem FROM (SELECT rowid, coalesce(${problems.join(', ')}) AS problem FROM ${STAGING}) WHERE problem IS NOT NULL ORDER BY rowid LIMIT 1`,
  );
  const row = r.getRowsJS()[0];
  return row ? `${key}[${Number(row[0])}].${String(row[1])}` : null;
}

/**
 * The fast path for llmmon files (every record has its `seq`): one pass from DuckDB's reader into
 * `operations`, each value checked on the way (`error()` stops the statement) and cast. Returns
 * null, with nothing stored, when anything is off (a bad value, a record without `seq`, a seq
 * twice in the file, a malformed range): the exact path then redoes it and names the problem.
 * Runs on the writer connection `c`, after every earlier write.
 */
export async function singlePass(
  rows: RowWriter,
  committed: (runId: string) => void,
  c: DuckDBConnection,
  scratch: string,
  run: RunHeader,
  rest: { samples: Sample[]; alerts: Alert[] },
  format: 'array' | 'newline_delimited' = 'array',
  records?: number,
) {
  const p = new SqlParams();
  const id = p.one(run.id);
  const checked = OPERATIONS.columns
    .map((col) => {
      const x = ident(col.name);
      if (col.name === 'run_id')
        return `CASE WHEN ${x} IS NULL OR ${x} = ${id} THEN ${id} ELSE error('run_id') END`;
      if (col.name === 'seq')
        return `CASE WHEN ${x} IS NULL THEN error('seq') ELSE ${castSql(col.spec, x)} END`;
      const problem = problemSql(col.spec, x, literal(col.name));
      return `CASE WHEN (${problem}) IS NULL THEN ${castSql(col.spec, x)} ELSE error(${problem}) END`;
    })
    .map((expr, i) => `${expr} AS ${ident(OPERATIONS.columns[i]!.name)}`)
    .join(',\n  ');
  await c.run('BEGIN TRANSACTION');
  try {
    const created = await rows.upsertRun(c, run);
    const source = (q: SqlParams) =>
      `read_json(${q.one(scratch)}, format = '${format}', columns = ${readJsonColumns(OPERATION_FIELDS)}, maximum_object_size = 268435456)`;
    const existing = created ? '' : `WHERE seq NOT IN (SELECT seq FROM operations WHERE run_id = ${id})`;
    const inserted = Number(
      (
        await c.run(
          `INSERT INTO operations (${insertColumns(OPERATIONS)}) SELECT * FROM (SELECT\n  ${checked}\nFROM ${source(p)}) ${existing}`,
          p.values,
        )
      ).rowsChanged,
    );
    // A seq twice in the file would be stored twice: leave that to the exact path (first wins).
    const distinct = await c.runAndReadAll(
      'SELECT count(*) = count(DISTINCT seq) FROM operations WHERE run_id = $1',
      [run.id],
    );
    if (distinct.getRowsJS()[0]![0] !== true) throw new Error('duplicate seq in file');
    const count = new SqlParams();
    const received = created
      ? inserted
      : (records ??
        Number(
          (await c.runAndReadAll(`SELECT count(*) FROM ${source(count)}`, count.values)).getRowsJS()[0]![0],
        ));
    const tail = await rows.addRows(c, run.id, created, [], rest.samples, rest.alerts);
    await c.run('COMMIT');
    committed(run.id);
    return { run, created, received, inserted, tail };
  } catch {
    await c.run('ROLLBACK').catch(() => {});
    return null;
  }
}

/**
 * Stores a large metrics file (see the module comment).
 * @throws InputError naming the record and field, or the JSON problem (nothing is stored)
 */
export async function bulkIngestFile(
  connections: Connections,
  rows: RowWriter,
  committed: (runId: string) => void,
  path: string,
  options: NormalizeOptions = {},
): Promise<IngestResult> {
  const src = fileSource(path);
  const scratch = connections.scratchPath('json');
  try {
    let loc: RecordsLocation | null;
    try {
      loc = locateRecords(src);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new InputError(`${path}: not JSON (${error.message})`);
      throw error;
    }
    if (!loc) {
      throw new InputError(
        `not a metrics file: expected {"format":"${METRICS_FORMAT}",…}, an array of operation records, or an object with an "operations" or "metrics" array`,
      );
    }
    const key = loc.key ?? '';
    const rest = readRest(src, loc, key || 'records');

    const outcome = await connections.exclusive(async (c) => {
      const lines = rest.kind === 'llmmon' && loc ? copyAsLines(src, loc.start, loc.end, scratch) : null;
      if (rest.kind === 'llmmon' && lines !== null) {
        const fast = await singlePass(
          rows,
          committed,
          c,
          scratch,
          rest.run,
          rest,
          'newline_delimited',
          lines,
        );
        if (fast) return fast;
      }
      await copyRange(src, loc!.start, loc!.end, scratch);
      // The exact path: staging table, checks naming the first bad record, legacy seq by position.
      // Staged outside the transaction: a table created inside one numbers its rows from a
      // transaction-local offset, and rowid is the record's index here.
      try {
        let staged = await stage(c, scratch, key);
        if (staged !== true && loc && !loc.exact) {
          // The backward scan guessed the array's end wrong (a large member after it): find it exactly.
          loc = locateRecords(src, { exact: true })!;
          await copyRange(src, loc.start, loc.end, scratch);
          staged = await stage(c, scratch, key);
        }
        if (staged !== true) throw new InputError(`${key || 'records'}: malformed JSON (${staged})`);
        const problem = await firstProblem(c, key);
        if (problem) throw new InputError(problem);
        await c.run('BEGIN TRANSACTION');

        let run: RunHeader;
        if (rest.kind === 'llmmon') {
          run = rest.run;
          const other = await c.runAndReadAll(
            `SELECT rowid, run_id FROM ${STAGING} WHERE run_id IS NOT NULL AND run_id <> $1 ORDER BY rowid LIMIT 1`,
            [run.id],
          );
          const bad = other.getRowsJS()[0];
          if (bad) {
            throw new InputError(
              `${key}[${Number(bad[0])}].run_id: ${JSON.stringify(bad[1])} is not the run's id ${JSON.stringify(run.id)}`,
            );
          }
        } else {
          const r = await c.runAndReadAll(`SELECT min("timestamp"), max("timestamp") FROM ${STAGING}`);
          const [first, last] = r.getRowsJS()[0]!;
          run = originalRunHeader((first as string) ?? undefined, (last as string) ?? undefined, {
            ...options,
            key,
          });
        }

        const created = await rows.upsertRun(c, run);
        const seq = 'coalesce(CAST(seq AS BIGINT), rowid)';
        const p = new SqlParams();
        const id = p.one(run.id);
        const select = OPERATIONS.columns
          .map((col) => {
            if (col.name === 'run_id') return id;
            if (col.name === 'seq') return seq;
            return castSql(col.spec, ident(col.name));
          })
          .join(', ');
        const dupes = await c.runAndReadAll(`SELECT count(*) - count(DISTINCT ${seq}) FROM ${STAGING}`);
        const filters: string[] = [];
        if (!created) {
          filters.push(`${seq} NOT IN (SELECT seq FROM operations WHERE run_id = ${id})`);
        }
        const qualify =
          Number(dupes.getRowsJS()[0]![0]) > 0
            ? `QUALIFY row_number() OVER (PARTITION BY ${seq} ORDER BY rowid) = 1`
            : '';
        const received = Number(
          (await c.runAndReadAll(`SELECT count(*) FROM ${STAGING}`)).getRowsJS()[0]![0],
        );
        const inserted = await c.run(
          `INSERT INTO operations (${insertColumns(OPERATIONS)}) SELECT ${select} FROM ${STAGING} ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''} ${qualify}`,
          p.values,
        );
        const tail =
          rest.kind === 'llmmon'
            ? await rows.addRows(c, run.id, created, [], rest.samples, rest.alerts)
            : { newSamples: [], newAlerts: [] };
        await c.run('COMMIT');
        committed(run.id);
        return { run, created, received, inserted: Number(inserted.rowsChanged), tail };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await c.run(`DROP TABLE IF EXISTS ${STAGING}`).catch(() => {});
      }
    });
    const { tail } = outcome;
    const added = {
      run_id: outcome.run.id,
      created: outcome.created,
      live: false,
      operations: [],
      samples: tail.newSamples,
      alerts: tail.newAlerts,
    };
    const received = {
      operations: outcome.received,
      samples: rest.kind === 'llmmon' ? rest.samples.length : 0,
      alerts: rest.kind === 'llmmon' ? rest.alerts.length : 0,
    };
    return ingestResult(added, received, outcome.inserted);
  } finally {
    src.close();
    await connections.removeScratch(scratch);
  }
}
