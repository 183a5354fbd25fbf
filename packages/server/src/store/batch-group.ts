/**
 * Group commit of ingest batches. Every write runs alone on the writer connection; while one
 * runs, the batches that arrive wait, and the next write stores all of them in ONE transaction
 * (one run lookup, one stored-key lookup and one append per table per run), instead of one
 * transaction each. Twenty live clients then cost about one transaction per round instead of
 * twenty: the per-transaction work, not DuckDB's append, was what they waited for.
 *
 * A writer that is free starts at once, so without more, the first batch of a round of clients
 * took a transaction of its own while the rest of the round was still being read and parsed:
 * groups alternated between one batch and the others. A caller may announce a batch it is still
 * reading (`arriving()`); a free writer then waits for the announced batches, at most
 * `ARRIVAL_WAIT_MS`, before it takes the group. With nothing announced (one client, a file) it
 * never waits.
 *
 * What each caller sees is what storing its batch alone, in arrival order, would give: the rows
 * of its batch that were new (a key stored earlier, or earlier in the group, is a duplicate:
 * first wins), and `created` for the batch that created its run. When the group's transaction
 * fails, each batch is stored alone again, so that only a batch at fault fails.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert, OperationRecord, RunHeader, Sample } from '@llmmon/core/schema';
import type { Connections } from './connections.js';
import type { AddedRows, RowWriter } from './rows.js';

/** A batch checked and ready to store (operations carry their run id and seq). */
export interface ReadyBatch {
  run: RunHeader;
  operations: readonly OperationRecord[];
  samples: readonly Sample[];
  alerts: readonly Alert[];
}

export interface StoredBatch extends AddedRows {
  created: boolean;
}

interface Waiting {
  batch: ReadyBatch;
  done(stored: StoredBatch): void;
  fail(error: unknown): void;
}

/** Longest a free writer waits for announced batches before it stores the ones that are there. */
export const ARRIVAL_WAIT_MS = 25;

export class BatchGroups {
  private waiting: Waiting[] = [];
  /** Batches announced and not yet handed to `store` (or given up). */
  private announced = 0;
  /** Wakes a writer that waits for announced batches. */
  private wake: (() => void) | null = null;
  private groupsCommitted = 0;

  constructor(
    private readonly connections: Connections,
    private readonly rows: RowWriter,
    private readonly committed: (runId: string) => void,
  ) {}

  /** Stores `batch` with the batches waiting beside it. */
  store(batch: ReadyBatch): Promise<StoredBatch> {
    return new Promise<StoredBatch>((done, fail) => {
      this.waiting.push({ batch, done, fail });
      // The first to wait schedules the write that will take every batch waiting by then.
      if (this.waiting.length === 1) this.connections.exclusive((c) => this.flush(c)).catch(fail);
    });
  }

  /** Group transactions committed so far (how well batches were grouped: batches ÷ this). */
  get transactions(): number {
    return this.groupsCommitted;
  }

  /**
   * Announces a batch that is on its way (its request is still being read or checked); call the
   * returned function once it was handed to `store` or will not be (safe to call twice).
   */
  arriving(): () => void {
    this.announced++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.announced--;
      if (this.announced === 0) this.wake?.();
    };
  }

  /** Waits until no announced batch is on its way, or `ARRIVAL_WAIT_MS` passed. */
  private async arrivals(): Promise<void> {
    if (this.announced === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ARRIVAL_WAIT_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async flush(c: DuckDBConnection): Promise<void> {
    await this.arrivals();
    const group = this.waiting;
    this.waiting = [];
    try {
      const stored = await this.storeTogether(
        c,
        group.map((w) => w.batch),
      );
      for (const [i, w] of group.entries()) w.done(stored[i]!);
    } catch (error) {
      if (group.length === 1) return group[0]!.fail(error);
      for (const w of group) {
        try {
          w.done((await this.storeTogether(c, [w.batch]))[0]!);
        } catch (alone) {
          w.fail(alone);
        }
      }
    }
  }

  /** One transaction for `batches`; what each added, in order. */
  private async storeTogether(c: DuckDBConnection, batches: ReadyBatch[]): Promise<StoredBatch[]> {
    const byRun = new Map<string, ReadyBatch[]>();
    for (const b of batches) {
      const list = byRun.get(b.run.id);
      if (list) list.push(b);
      else byRun.set(b.run.id, [b]);
    }
    const results = new Map<ReadyBatch, StoredBatch>();
    await c.run('BEGIN TRANSACTION');
    try {
      for (const [runId, list] of byRun) {
        // One statement for the run row, whatever the group's size: the first header creates
        // the run, and the last non-null end time among the headers is kept, as when each batch
        // is stored alone in turn.
        const created = await this.rows.upsertRun(c, mergedHeader(list));
        const added = await this.rows.addRows(
          c,
          runId,
          created,
          list.flatMap((b) => b.operations),
          list.flatMap((b) => b.samples),
          list.flatMap((b) => b.alerts),
        );
        const ops = new Set<unknown>(added.newOps);
        const samples = new Set<unknown>(added.newSamples);
        const alerts = new Set<unknown>(added.newAlerts);
        for (const [i, b] of list.entries()) {
          results.set(b, {
            created: created && i === 0,
            newOps: b.operations.filter((o) => ops.has(o)),
            newSamples: b.samples.filter((s) => samples.has(s)),
            newAlerts: b.alerts.filter((a) => alerts.has(a)),
          });
        }
      }
      await c.run('COMMIT');
      this.groupsCommitted++;
    } catch (error) {
      await c.run('ROLLBACK').catch(() => {});
      throw error;
    }
    for (const runId of byRun.keys()) this.committed(runId);
    return batches.map((b) => results.get(b)!);
  }
}

/** The first batch's header with the end time that storing each batch in turn would leave. */
function mergedHeader(list: readonly ReadyBatch[]): RunHeader {
  const first = list[0]!.run;
  const ended = list.findLast((b) => b.run.ended_at !== null)?.run.ended_at;
  return ended === undefined || ended === first.ended_at ? first : { ...first, ended_at: ended };
}
