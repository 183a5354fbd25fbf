/**
 * The store's connections and their lifetime: one writer connection that runs every write alone
 * and in order (every ingest is one transaction, so DuckDB's optimistic concurrency never sees two
 * writers collide and the duplicate check of an ingest sees every earlier one), a small pool of
 * read connections, fresh connections for user queries and streamed exports, and background work.
 *
 * `close()` waits for all of it before it closes the file: closing a connection in the middle of
 * a query never returns, and a connection still open keeps the file locked after the store said
 * it let go of it.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type Database, type OpenOptions, openDatabase } from '../db/database.js';

/** A connection of its own, counted as work under way until `release()` (a streamed export). */
export interface HeldConnection {
  readonly connection: DuckDBConnection;
  /** Closes the connection; `close()` of the store stops waiting for it. Safe to call twice. */
  release(): void;
}

/** A writer idle this long checkpoints (folds the WAL into the file) once the WAL is this big. */
export const IDLE_CHECKPOINT_MS = 250;
export const IDLE_CHECKPOINT_WAL_BYTES = 16 * 1024 * 1024;

export class Connections {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Reads, user queries and held connections under way. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** Background work, one piece after the other. */
  private background: Promise<unknown> = Promise.resolve();
  /** When the latest write finished, and the timer that checkpoints after it (see `wrote`). */
  private lastWrite = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Database,
    private readonly writer: DuckDBConnection,
  ) {}

  /**
   * Opens the DuckDB file (created if needed) with its writer connection.
   * @throws DatabaseLockedError when another process holds the file
   */
  static async open(path: string, options: OpenOptions = {}): Promise<Connections> {
    const db = await openDatabase(path, options);
    try {
      return new Connections(db, await db.connect());
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Absolute path of the DuckDB file. */
  get path(): string {
    return this.db.path;
  }

  /** The lake folder opened beside the file (absolute), or null. */
  get lake(): string | null {
    return this.db.lake;
  }

  /** The file was opened read-only (no write permission): reads and queries only. */
  get readOnly(): boolean {
    return this.db.readOnly;
  }

  /** Runs `fn` on the writer connection after every earlier write has finished, alone. */
  exclusive<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const run = this.queue.then(() => fn(this.writer));
    this.queue = run.then(
      () => this.wrote(),
      () => this.wrote(),
    );
    return run;
  }

  /**
   * Checkpoints when writes pause: DuckDB would do it inside the commit that takes the WAL past
   * its threshold (raised in database.ts), and every write queued behind it would wait. A
   * checkpoint that starts in a pause delays only a write that arrives during it.
   */
  private wrote(): void {
    this.lastWrite = performance.now();
    if (this.checkpointTimer || this.db.readOnly) return;
    const check = () => {
      const idle = performance.now() - this.lastWrite;
      if (this.closed) this.checkpointTimer = null;
      else if (idle < IDLE_CHECKPOINT_MS)
        this.checkpointTimer = setTimeout(check, IDLE_CHECKPOINT_MS - idle).unref();
      else {
        this.checkpointTimer = null;
        if (walBytes(this.db.path) >= IDLE_CHECKPOINT_WAL_BYTES) {
          // Not through `exclusive`: the checkpoint is no write that should schedule another.
          const run = this.queue.then(() => (this.closed ? undefined : this.writer.run('CHECKPOINT')));
          this.queue = run.catch(() => {}); // another transaction open (a read): the next pause retries
          this.later(() => run.catch(() => {}));
        }
      }
    };
    this.checkpointTimer = setTimeout(check, IDLE_CHECKPOINT_MS).unref();
  }

  /** Runs `fn` on a pooled read connection. */
  read<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const c = this.idle.pop() ?? (await this.db.connect());
      try {
        return await fn(c);
      } finally {
        if (this.closed) c.closeSync();
        else this.idle.push(c);
      }
    });
  }

  /** Runs `fn` on a fresh connection closed afterwards (user SQL: interruptible on its own). */
  isolated<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.track(async () => {
      const c = await this.db.connect();
      try {
        return await fn(c);
      } finally {
        c.closeSync();
      }
    });
  }

  /**
   * A fresh connection for work that outlives one call (a result streamed piece by piece): it
   * counts as work under way until released, so `close()` waits for the stream to finish.
   */
  async hold(): Promise<HeldConnection> {
    if (this.closed) throw new Error('store is closed');
    let done = () => {};
    const held = new Promise<void>((resolve) => {
      done = resolve;
    });
    const finish = () => {
      this.inflight.delete(held);
      done();
    };
    this.inflight.add(held);
    let connection: DuckDBConnection;
    try {
      connection = await this.db.connect();
    } catch (error) {
      finish();
      throw error;
    }
    let open = true;
    return {
      connection,
      release: () => {
        if (!open) return;
        open = false;
        connection.closeSync();
        finish();
      },
    };
  }

  /** Runs `work` in the background after the background work queued before it; `close()` waits for it. */
  later(work: () => Promise<unknown>): void {
    this.background = this.background
      .then(async () => {
        if (!this.closed) await work();
      })
      .catch(() => {});
  }

  /** Runs `fn` as work under way that `close()` waits for. */
  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const run = fn();
    this.inflight.add(run);
    try {
      return await run;
    } finally {
      this.inflight.delete(run);
    }
  }

  /**
   * A path in the sandbox's scratch folder (the only place DuckDB may read or write files), with
   * a name nobody can guess.
   */
  scratchPath(extension: string): string {
    return join(this.db.scratchDir, `${randomBytes(16).toString('hex')}.${extension}`);
  }

  /** Removes a scratch file (after it was sent). */
  async removeScratch(path: string): Promise<void> {
    await unlink(path).catch(() => {});
  }

  /**
   * Waits for the work under way (reads, queries, held connections, background work and the
   * writes queued), then closes every connection; the last store on a file releases it.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // A read that finishes may queue more background work, and that work reads again.
      for (;;) {
        const background = this.background;
        await Promise.allSettled([...this.inflight]);
        await background;
        if (this.inflight.size === 0 && background === this.background) break;
      }
      this.closed = true;
      await this.queue.catch(() => {});
      this.db.close();
    })();
    return this.closing;
  }
}

/** Size of the DuckDB file's write-ahead log (0 when there is none). */
function walBytes(path: string): number {
  try {
    return statSync(`${path}.wal`).size;
  } catch {
    return 0;
  }
}
