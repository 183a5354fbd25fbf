/**
 * Writes: every change to the stored runs, each one transaction on the writer connection. Two
 * ingest paths store identical rows: the exact path here (zod validation, then the appender) for
 * batches and files up to a threshold, and the bulk path (`bulk.ts`) for larger files. After
 * each commit `committed` hears which run changed, before anything else can read it.
 */
import { readFile, stat } from 'node:fs/promises';
import type { DeleteRunResponse, NormalizeOptions } from '@llmmon/core/schema';
import { normalizeMetrics } from '@llmmon/core/schema';
import { BatchGroups } from './batch-group.js';
import type { Connections } from './connections.js';
import { InputError, NotFoundError } from './errors.js';
import { type IngestBatch, type IngestResult, ingestResult } from './ingest-result.js';
import { dropEntries } from './persisted-cache.js';
import type { RowWriter } from './rows.js';

/** Told after each commit which run changed; `deleted` when the run is gone. */
export type Committed = (runId: string, change: 'written' | 'deleted') => void;

export class Writes {
  private readonly groups: BatchGroups;

  constructor(
    private readonly connections: Connections,
    private readonly rows: RowWriter,
    private readonly committed: Committed,
  ) {
    this.groups = new BatchGroups(connections, rows, (runId) => committed(runId, 'written'));
  }

  /**
   * Stores a batch in one transaction (shared with the batches that arrive while the writer is
   * busy: batch-group.ts): creates the run if new (a later header's non-null
   * `ended_at` is kept), skips operations whose `(run_id, seq)`, samples whose `(run_id, t)` and
   * alerts whose key are stored already (retries are harmless).
   * @param options.live live batches need every operation's `seq` (the idempotency key); whole
   *   files get `seq` = position where it is missing, as `normalizeMetrics` gives original files
   * @throws InputError naming the field (nothing is stored)
   */
  async ingest(batch: IngestBatch, options: { live?: boolean } = {}): Promise<IngestResult> {
    const { run } = batch;
    const operations = (batch.operations ?? []).map((op, i) => {
      if (op.run_id !== null && op.run_id !== run.id) {
        throw new InputError(
          `operations[${i}].run_id: ${JSON.stringify(op.run_id)} is not the run's id ${JSON.stringify(run.id)}`,
        );
      }
      if (op.seq === null && options.live) {
        throw new InputError(`operations[${i}].seq: required in live batches (it makes retries idempotent)`);
      }
      return op.seq === null || op.run_id === null ? { ...op, run_id: run.id, seq: op.seq ?? i } : op;
    });
    const samples = batch.samples ?? [];
    const alerts = batch.alerts ?? [];

    const result = await this.groups.store({ run, operations, samples, alerts });
    const added = {
      run_id: run.id,
      created: result.created,
      live: options.live ?? false,
      operations: result.newOps,
      samples: result.newSamples,
      alerts: result.newAlerts,
    };
    return ingestResult(added, {
      operations: operations.length,
      samples: samples.length,
      alerts: alerts.length,
    });
  }

  /**
   * Announces a live batch still being read: batches stored together wait for it briefly
   * (batch-group.ts). Call the returned function once `ingest` was called, or will not be.
   */
  arriving(): () => void {
    return this.groups.arriving();
  }

  /**
   * Stores a metrics file from disk (llmmon's format or the original monitor's). Files up to
   * `bulkThresholdBytes` are parsed and validated in JS exactly as `POST /api/runs` does; larger
   * ones go through DuckDB's JSON reader (`bulk.ts`): the only way past V8's string limit, and
   * several times faster.
   */
  async ingestFile(
    path: string,
    options: NormalizeOptions & { bulkThresholdBytes?: number } = {},
  ): Promise<IngestResult> {
    const { size } = await stat(path);
    if (size > (options.bulkThresholdBytes ?? 64 * 1024 * 1024)) {
      const { bulkIngestFile } = await import('./bulk.js');
      return bulkIngestFile(
        this.connections,
        this.rows,
        (runId) => this.committed(runId, 'written'),
        path,
        options,
      );
    }
    const text = await readFile(path, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new InputError(`${path}: not JSON (${(error as Error).message})`);
    }
    return this.ingest(normalizeMetrics(json, options));
  }

  /**
   * Deletes a run and everything stored for it, in one transaction.
   * @throws NotFoundError
   */
  deleteRun(id: string): Promise<DeleteRunResponse> {
    return this.connections.exclusive(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        const exists = await c.runAndReadAll('SELECT 1 FROM runs WHERE id = $1', [id]);
        if (exists.currentRowCount === 0) throw new NotFoundError(`run ${JSON.stringify(id)} not found`);
        const n: Record<string, number> = {};
        for (const t of ['operations', 'samples', 'alerts']) {
          const r = await c.run(`DELETE FROM ${t} WHERE run_id = $1`, [id]);
          n[t] = Number(r.rowsChanged);
        }
        await c.run('DELETE FROM runs WHERE id = $1', [id]);
        await dropEntries(c, [id]);
        await c.run('COMMIT');
        this.committed(id, 'deleted');
        return { deleted: id, operations: n.operations!, samples: n.samples!, alerts: n.alerts! };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }
}
