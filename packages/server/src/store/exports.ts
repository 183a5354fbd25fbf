/**
 * Exports of a stored run: its operations as CSV or Parquet (DuckDB's COPY into the sandbox's
 * scratch folder), or the whole run as an `llmmon.metrics/1` document streamed in pieces.
 */
import type { MetricsFile, OperationRecord } from '@llmmon/core/schema';
import { SqlParams } from '../db/params.js';
import { rowReader, selectColumns } from '../db/records.js';
import { ident, OPERATIONS, type Table } from '../db/tables.js';
import type { Connections } from './connections.js';
import type { Reads } from './reads.js';

/** Per table: the column naming the run, and the order of a run's rows. */
const TABLE_ROWS: Record<Table['name'], { key: string; order: string }> = {
  runs: { key: 'id', order: 'id' },
  operations: { key: 'run_id', order: 'seq' },
  samples: { key: 'run_id', order: 't' },
  alerts: { key: 'run_id', order: '"timestamp", seq' },
};

export class Exports {
  constructor(
    private readonly connections: Connections,
    private readonly reads: Reads,
  ) {}

  /** Writes a run's operations (by seq) with DuckDB COPY into the scratch folder; returns the path. */
  async operationsFile(id: string, format: 'csv' | 'parquet'): Promise<string> {
    await this.reads.runHeader(id);
    const { csvColumns, COPY_OPTIONS } = await import('./export-sql.js');
    const path = this.connections.scratchPath(format);
    const select = format === 'csv' ? csvColumns(OPERATIONS) : '*';
    const p = new SqlParams();
    await this.connections.read((c) =>
      c.run(
        `COPY (SELECT ${select} FROM operations WHERE run_id = ${p.one(id)} ORDER BY seq) TO ${p.bare(path)} ${COPY_OPTIONS[format]}`,
        p.values,
      ),
    );
    return path;
  }

  /**
   * A run's rows of one table (its header, operations, samples or alerts) as Parquet with DuckDB's
   * own types, every column (the storage ones too), in the table's order; returns the scratch
   * path. The lake (lake/export.ts) writes these.
   */
  async tableParquet(id: string, table: Table['name']): Promise<string> {
    const { key, order } = TABLE_ROWS[table];
    const path = this.connections.scratchPath('parquet');
    const p = new SqlParams();
    await this.connections.read((c) =>
      c.run(
        `COPY (SELECT * FROM ${ident(table)} WHERE ${ident(key)} = ${p.one(id)} ORDER BY ${order}) TO ${p.bare(path)} (FORMAT parquet, COMPRESSION zstd)`,
        p.values,
      ),
    );
    return path;
  }

  /**
   * A run as an `llmmon.metrics/1` document, in pieces (operations read 2048 rows at a time, so
   * a run of any size streams). The operations are read on a connection held from the first
   * piece until the last (or until the consumer stops): the store's `close()` waits for it.
   * @throws NotFoundError before the first piece
   */
  async json(id: string): Promise<AsyncGenerator<string>> {
    const run = await this.reads.runHeader(id);
    const samples = (await this.reads.samples(id)).samples;
    const alerts = await this.reads.alerts(id);
    const read = rowReader<OperationRecord>(OPERATIONS);
    const connections = this.connections;
    return (async function* () {
      const held = await connections.hold();
      try {
        yield `{"format":"llmmon.metrics/1","run":${JSON.stringify(run)},"operations":[`;
        const result = await held.connection.stream(
          `SELECT ${selectColumns(OPERATIONS)} FROM operations WHERE run_id = $1 ORDER BY seq`,
          [id],
        );
        let first = true;
        for await (const rows of result.yieldRowsJs()) {
          const parts = rows.map((row) => JSON.stringify(read(row)));
          if (parts.length === 0) continue;
          yield (first ? '' : ',') + parts.join(',');
          first = false;
        }
        yield `],"samples":${JSON.stringify(samples)},"alerts":${JSON.stringify(alerts)}}`;
      } finally {
        held.release();
      }
    })();
  }

  /** The run as a metrics file in memory (small runs; tests, the dashboard command). */
  async metricsFile(id: string): Promise<MetricsFile> {
    let text = '';
    for await (const piece of await this.json(id)) text += piece;
    return JSON.parse(text) as MetricsFile;
  }
}
