/**
 * Admission and deadline of user queries (`/api/query`, `llmmon query`), so that runaway SQL
 * cannot take the server with it. Rules, each from a failure seen under load:
 *
 * - At most `maxRunning` user queries run at once. Each DuckDB call of a query holds one of Node's
 *   libuv worker threads (4 by default) until it returns; with every worker inside a runaway query,
 *   health checks, reads and writes waited in line behind them for the whole time limit.
 * - At most `maxWaiting` more wait for a slot; beyond that a query is refused at once
 *   (`QueryBusyError`, HTTP 429). A waiting query that reaches its deadline is answered with
 *   `QueryTimeoutError` without having run.
 * - The deadline counts from arrival, waiting included. At the deadline the connection is
 *   interrupted, and again every `INTERRUPT_EVERY_MS` until the query returns: DuckDB clears an
 *   interrupt when the next statement on the connection starts, so one sent between two calls of
 *   the same query is lost.
 * - The caller is answered `graceMs` after the deadline whatever DuckDB does (one function call
 *   over a huge value, `repeat('x', 2000000000)`, only looks at the interrupt when it is done); the
 *   query keeps its slot until it really returns, so the bound on running queries holds.
 * - `stopAll()` (shutdown) interrupts every running query and answers every waiting one
 *   `QueryUnavailableError` (HTTP 503).
 */
import { QueryBusyError, QueryTimeoutError, QueryUnavailableError } from './errors.js';

/** User queries that run at once (leaves libuv workers free for health, reads and writes). */
export const DEFAULT_QUERY_MAX_RUNNING = 2;
/** User queries that may wait for a slot; more are refused with 429. */
export const DEFAULT_QUERY_MAX_WAITING = 8;
/** Time after the deadline at which the caller is answered even if DuckDB has not returned. */
export const DEFAULT_QUERY_GRACE_MS = 1000;
const INTERRUPT_EVERY_MS = 50;

/** What a query tells the gate about itself: how to interrupt the connection it runs on. */
export class QueryTicket {
  private interruptFn: (() => void) | null = null;
  /** The gate asked the query to stop. */
  stopped = false;
  /** …because the store is shutting down (not the deadline). */
  shutdown = false;

  /** Called by the query once it has its connection; interrupts it at once when already stopped. */
  attach(connection: { interrupt(): void }): void {
    this.interruptFn = () => connection.interrupt();
    if (this.stopped) this.interruptFn();
  }

  interrupt(): void {
    this.stopped = true;
    this.interruptFn?.();
  }
}

export interface QueryGateOptions {
  maxRunning?: number;
  maxWaiting?: number;
  graceMs?: number;
}

interface Waiter {
  admit(): void;
  fail(error: Error): void;
}

export class QueryGate {
  readonly maxRunning: number;
  readonly maxWaiting: number;
  private readonly graceMs: number;
  /** Running queries, each with what starts interrupting it until it returns. */
  private readonly running = new Map<QueryTicket, () => void>();
  /** Slots taken: running queries plus a waiter admitted but not yet started (a slot passes on). */
  private taken = 0;
  private readonly waiting: Waiter[] = [];

  constructor(options: QueryGateOptions = {}) {
    this.maxRunning = options.maxRunning ?? DEFAULT_QUERY_MAX_RUNNING;
    this.maxWaiting = options.maxWaiting ?? DEFAULT_QUERY_MAX_WAITING;
    this.graceMs = options.graceMs ?? DEFAULT_QUERY_GRACE_MS;
  }

  /**
   * Runs `fn` when a slot is free, interrupting it at `timeoutMs` after this call.
   * @throws QueryBusyError when too many queries wait, QueryTimeoutError at the deadline,
   *   QueryUnavailableError when stopped for shutdown
   */
  async run<T>(timeoutMs: number, fn: (ticket: QueryTicket) => Promise<T>): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    const limit = `the ${timeoutMs / 1000} s time limit`;
    if (this.taken >= this.maxRunning) await this.waitForSlot(deadline, limit);
    else this.taken++;
    const ticket = new QueryTicket();
    let interrupter: NodeJS.Timeout | undefined;
    let answer: NodeJS.Timeout | undefined;
    const startInterrupting = () => {
      ticket.interrupt();
      interrupter ??= setInterval(() => ticket.interrupt(), INTERRUPT_EVERY_MS);
    };
    this.running.set(ticket, startInterrupting);
    const stopTimer = setTimeout(startInterrupting, Math.max(0, deadline - performance.now()));
    const work = (async () => fn(ticket))().finally(() => {
      clearTimeout(stopTimer);
      clearInterval(interrupter);
      clearTimeout(answer);
      this.running.delete(ticket);
      const next = this.waiting.shift();
      if (next) next.admit();
      else this.taken--;
    });
    const late = new Promise<never>((_, reject) => {
      answer = setTimeout(
        () => reject(new QueryTimeoutError(`query stopped: it ran longer than ${limit}`)),
        Math.max(0, deadline - performance.now()) + this.graceMs,
      );
    });
    try {
      return await Promise.race([work, late]);
    } catch (error) {
      if (ticket.shutdown) throw new QueryUnavailableError('server is shutting down: query stopped');
      if (ticket.stopped) throw new QueryTimeoutError(`query stopped: it ran longer than ${limit}`);
      throw error;
    } finally {
      clearTimeout(answer);
      // A query answered late still runs: its result, if any, is dropped.
      work.catch(() => {});
    }
  }

  /** Interrupts every running query and answers every waiting one with QueryUnavailableError. */
  stopAll(): void {
    for (const waiter of this.waiting.splice(0)) {
      waiter.fail(new QueryUnavailableError('server is shutting down: query not run'));
    }
    for (const [ticket, startInterrupting] of this.running) {
      ticket.shutdown = true;
      startInterrupting();
    }
  }

  private waitForSlot(deadline: number, limit: string): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(
        new QueryBusyError(
          `too many queries at once (${this.maxRunning} running, ${this.waiting.length} waiting): retry later`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(
            new QueryTimeoutError(`query not run: no free slot within ${limit} (too many queries at once)`),
          );
        },
        Math.max(0, deadline - performance.now()),
      );
      this.waiting.push(waiter);
    });
  }
}
