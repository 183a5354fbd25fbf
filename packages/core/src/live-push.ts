/**
 * Live push: finished operations (with their alerts) and timeline samples go to a server in
 * batches, `POST {server}/api/runs/:id/operations` (`LiveOperationsBatch`) and
 * `POST {server}/api/runs/:id/samples` (`LiveSamplesBatch`). Adding is O(1) and never waits for
 * the network; a timer sends. A batch leaves the queue only once the server answered 2xx, so
 * while the server is down everything is kept and retried with backoff (the server stores
 * operations idempotently on (run_id, seq), so a batch sent twice is harmless). `flush()` sends
 * all that is queued; `close()` flushes, and names what it could not deliver.
 */
import { outsideOperations } from './context.js';
import type { Alert } from './schema/alert.js';
import type { LiveOperationsBatch, LiveSamplesBatch } from './schema/live.js';
import type { OperationRecord } from './schema/operation.js';
import type { RunHeader } from './schema/run.js';
import type { Sample } from './schema/sample.js';

export interface LivePushOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8787`. */
  serverUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | null;
  /** The run header sent with each batch. */
  run: () => RunHeader;
  /** How often queued items are sent (ms, default 1000). */
  intervalMs?: number;
  /** Per-request timeout (ms, default 10 000). */
  requestTimeoutMs?: number;
  /** Longest wait between retries while the server is down (ms, default 30 000). */
  maxBackoffMs?: number;
  /** Called with one line when something goes wrong for the first time (default: stderr). */
  warn?: (line: string) => void;
}

const MAX_OPERATIONS_PER_BATCH = 500;
const MAX_SAMPLES_PER_BATCH = 5000;
/** Samples kept while the server is unreachable; the oldest go first beyond this (they are also in the file). */
const MAX_QUEUED_SAMPLES = 200_000;

/** `promise`'s value, or false once `deadline` (ms since the epoch) has passed. */
async function withDeadline(promise: Promise<boolean>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The server's base URL without trailing slashes.
 * @throws TypeError when it is not an http(s) URL
 */
export function checkServerUrl(url: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`serverUrl: not an http(s) URL: ${JSON.stringify(url)}`);
  }
  return url.replace(/\/+$/, '');
}

export interface PushBacklog {
  operations: number;
  samples: number;
}

export class LivePusher {
  readonly serverUrl: string;
  #options: LivePushOptions;
  #operations: { record: OperationRecord; alerts: Alert[] }[] = [];
  #samples: Sample[] = [];
  #timer: NodeJS.Timeout;
  #sending: Promise<boolean> | null = null;
  /** Aborts the request in flight (at close, once the flush deadline has passed). */
  #abort = new AbortController();
  #failures = 0;
  #retryAt = 0;
  #lastError: string | null = null;
  #warned = false;
  #droppedSamples = 0;
  /** Whether the server has the run (a batch, possibly empty, was delivered). */
  #announced = false;

  constructor(options: LivePushOptions) {
    this.#options = options;
    this.serverUrl = checkServerUrl(options.serverUrl);
    this.#timer = outsideOperations(() => setInterval(() => void this.#tick(), options.intervalMs ?? 1000));
    this.#timer.unref();
    // Register the run at once (its header, no samples yet), so that the live view has it from
    // the start rather than from the first batch of results.
    outsideOperations(() => setImmediate(() => void this.#tick()).unref());
  }

  /** Queues a finished operation and the alerts it raised. */
  addOperation(record: OperationRecord, alerts: Alert[]): void {
    this.#operations.push({ record, alerts });
  }

  /** Queues timeline samples. */
  addSamples(samples: readonly Sample[]): void {
    for (const s of samples) this.#samples.push(s);
    const excess = this.#samples.length - MAX_QUEUED_SAMPLES;
    if (excess > 0) {
      this.#samples.splice(0, excess);
      this.#droppedSamples += excess;
    }
  }

  /** What is still waiting to be delivered. */
  get backlog(): PushBacklog {
    return { operations: this.#operations.length, samples: this.#samples.length };
  }

  /** The last delivery error, if the last attempt failed. */
  get lastError(): string | null {
    return this.#lastError;
  }

  async #tick(): Promise<void> {
    if (this.#sending || Date.now() < this.#retryAt) return;
    await this.#sendAll();
  }

  /** Sends batches until the queue is empty or a send fails; resolves true when all was delivered. */
  #sendAll(): Promise<boolean> {
    if (!this.#sending) {
      const sending = outsideOperations(() => this.#drain());
      this.#sending = sending;
      const clear = () => {
        if (this.#sending === sending) this.#sending = null;
      };
      sending.then(clear, clear);
    }
    return this.#sending;
  }

  async #drain(): Promise<boolean> {
    try {
      while (!this.#announced || this.#operations.length || this.#samples.length) {
        if (!(await this.#sendOne())) return false;
      }
      return true;
    } catch (error) {
      this.#lastError = (error as Error).message;
      return false;
    }
  }

  async #sendOne(): Promise<boolean> {
    const run = this.#options.run();
    const ops = this.#operations.slice(0, MAX_OPERATIONS_PER_BATCH);
    const samples = ops.length ? [] : this.#samples.slice(0, MAX_SAMPLES_PER_BATCH);
    const [endpoint, body]: [string, LiveOperationsBatch | LiveSamplesBatch] = ops.length
      ? ['operations', { run, operations: ops.map((o) => o.record), alerts: ops.flatMap((o) => o.alerts) }]
      : ['samples', { run, samples }];
    const url = `${this.serverUrl}/api/runs/${encodeURIComponent(run.id)}/${endpoint}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    let problem: string | null = null;
    let permanent = false;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.any([
          this.#abort.signal,
          AbortSignal.timeout(this.#options.requestTimeoutMs ?? 10_000),
        ]),
      });
      const text = await res.text().catch(() => '');
      if (!res.ok) {
        problem = `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
        // A 4xx other than timeout / rate limit will not succeed on retry: the server rejects the data.
        permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      }
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      problem = e.cause?.code ?? e.cause?.message ?? e.message;
    }
    if (problem === null || permanent) {
      this.#announced = true; // delivered, or refused for good: never sent again either way
      if (ops.length) this.#operations.splice(0, ops.length);
      else this.#samples.splice(0, samples.length);
    }
    if (problem !== null) {
      this.#lastError = `POST ${url}: ${problem}`;
      if (permanent) {
        this.#warn(
          `llmmon: live push: server rejected ${ops.length || samples.length} ${endpoint} (dropped): ${this.#lastError}`,
        );
        return true;
      }
      this.#failures++;
      const backoff = Math.min(this.#options.maxBackoffMs ?? 30_000, 500 * 2 ** (this.#failures - 1));
      this.#retryAt = Date.now() + backoff;
      this.#warn(`llmmon: live push: server unreachable, keeping data and retrying: ${this.#lastError}`);
      return false;
    }
    this.#failures = 0;
    this.#retryAt = 0;
    this.#lastError = null;
    this.#warned = false;
    return true;
  }

  #warn(line: string): void {
    if (this.#warned) return;
    this.#warned = true;
    (this.#options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  /**
   * Sends everything queued now, retrying until `timeoutMs` has passed (default 10 s).
   * Resolves with what is left (empty when all was delivered); never waits past the deadline.
   */
  async flush(timeoutMs = 10_000): Promise<PushBacklog> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (await withDeadline(this.#sendAll(), deadline)) break;
      const wait = Math.min(250 * 2 ** attempt, 2000, deadline - Date.now());
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    return this.backlog;
  }

  /** Flushes, then stops the timer. Reports on stderr what could not be delivered. */
  async close(timeoutMs = 10_000): Promise<PushBacklog> {
    const left = await this.flush(timeoutMs);
    clearInterval(this.#timer);
    this.#abort.abort(new Error('live push closed')); // a request still hanging must not keep the process alive
    if (left.operations || left.samples || this.#droppedSamples) {
      (this.#options.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(
        `llmmon: live push: not delivered to ${this.serverUrl}: ${left.operations} operations, ` +
          `${left.samples + this.#droppedSamples} samples (${this.#lastError ?? 'not sent in time'}); ` +
          'they are in the journal and the metrics file',
      );
    }
    return left;
  }
}
