/**
 * `LLMMonitor`: one run. It tracks operations (each with its own sampler window), keeps their
 * records, journals them, raises alerts, pushes them live, keeps the run's timeline, and writes
 * the metrics file and CSV.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { AlertTracker, formatAlert, type Thresholds, validateThresholds } from './alerts.js';
import { type AttachTarget, attachFromEnv, parseAttachTarget } from './attach.js';
import { Attachments } from './attachments.js';
import { operationStorage } from './context.js';
import { samplerFromEnv } from './env.js';
import { DEFAULT_OUTPUT_DIR, fileTimestamp } from './files.js';
import { hostInfo } from './host.js';
import { JOURNAL_FORMAT, JOURNAL_SUFFIX, Journal, writeFileAtomic } from './journal.js';
import { checkServerUrl, LivePusher, type PushBacklog } from './live-push.js';
import { holdNetworkTracking } from './network/index.js';
import {
  checkDetail,
  Operation,
  type OperationDetail,
  type OperationOptions,
  type OperationSink,
} from './operation.js';
import { OperationTelemetry, type OtelOptions } from './otel/telemetry.js';
import { acquireSampler, type SamplerLease } from './sampler/registry.js';
import type { SamplerChoice } from './sampler/types.js';
import type { Alert } from './schema/alert.js';
import { CSV_COLUMNS, toCsvRow } from './schema/csv.js';
import { METRICS_FORMAT, type MetricsFile, MetricsFileSchema } from './schema/metrics-file.js';
import { describeZodError } from './schema/normalize.js';
import type { OperationRecord } from './schema/operation.js';
import type { AttachedProcess } from './schema/process.js';
import type { HostInfo, RunHeader, SamplerInfo } from './schema/run.js';
import { type ModelStats, type ModelStatsOptions, modelComparison, runGpuThrottled } from './schema/stats.js';
import { type StreamOptions, type StreamSource, trackedStream } from './stream.js';
import { formatModelTable } from './summary.js';
import { DEFAULT_BUCKET_SECONDS, Timeline } from './timeline.js';

export interface MonitorOptions {
  /** Where files go (default `data/output/llm_metrics` under the working directory). */
  outputDir?: string;
  /** Human name of the run. */
  runName?: string | null;
  /** Free key/value tags of the run. */
  tags?: Record<string, unknown> | null;
  /**
   * Thresholds per record field, e.g. `{ peak_memory_mb: 4000 }`: an alert fires when a model's
   * value goes above one and resolves when it comes back (not one alert per operation).
   */
  thresholds?: Thresholds;
  /** Print one stderr line per alert (default true). */
  logAlerts?: boolean;
  /** `auto` (default, or `LLMMON_SAMPLER`): native when it loads, else JS with a warning; or force one. */
  sampler?: SamplerChoice;
  /** Sampler tick (default 1 ms native, 10 ms JS); the first monitor of the process sets it. */
  sampleIntervalMs?: number;
  /**
   * Sampler tick while no operation is open (default 100 ms native, 1000 ms JS: idle sampling;
   * equal to `sampleIntervalMs`: one rate throughout). The first tick of an operation
   * is taken when it starts. Each timeline point says which applied (`tick_interval_ms`). The
   * first monitor of the process sets it.
   */
  idleSampleIntervalMs?: number;
  /** What each operation measures unless a call says otherwise: `full` (default) or `light` (see `OperationDetail`). */
  detail?: OperationDetail;
  /**
   * How often the native sampler reads GPU and energy counters (10–1000 ms, default 100); the
   * first monitor of the process sets it. NVML updates utilisation every 1/6–1 s: faster shows
   * no more detail there.
   */
  gpuIntervalMs?: number;
  /**
   * Other processes to measure in every operation besides this one: a pid, a process name or a
   * local TCP port (`4242`, `'ollama'`, `':11434'`, `{ port: 11434, role: 'server' }`), or a list
   * (default `LLMMON_ATTACH`). Their figures go to each record's `processes`, those with role
   * `server` (the default) also to the `server_*` fields. See `monitor.attach()`.
   */
  attach?: AttachTarget | readonly AttachTarget[];
  /** Width of a timeline point (default 50 ms). */
  timelineIntervalMs?: number;
  /** Append each finished operation to `<outputDir>/<run id>.journal.jsonl` (default true). */
  journal?: boolean;
  /** Push operations and samples live to this llmmon server. */
  serverUrl?: string | null;
  /** Bearer token for the server. */
  serverToken?: string | null;
  /** How often live batches are sent (ms, default 1000). */
  pushIntervalMs?: number;
  /**
   * OpenTelemetry export through `@opentelemetry/api` when it is installed: a span per operation
   * and GenAI, process and hardware metrics, to the SDK the app registered (none: nothing is
   * made). `false` turns it off.
   */
  otel?: OtelOptions | false;
}

export interface MonitorSummary {
  run_id: string;
  run_name: string | null;
  started_at: string;
  operations: number;
  errors: number;
  alerts: number;
  sampler: SamplerInfo;
  /** Per model; warm-up and load operations excluded. */
  models: Record<string, ModelStats>;
  /** A GPU reported throttling during an operation of the run; null: no operation said either way. */
  gpu_throttled: boolean | null;
}

type MonitorEvents = { alert: [alert: Alert] };

const SAMPLER_CHOICES: readonly SamplerChoice[] = ['auto', 'native', 'js'];

/** Monitors that may have live data to deliver when the event loop empties. */
const openMonitors = new Set<LLMMonitor>();
let beforeExitHooked = false;

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !(typeof value === 'number' && value >= min && value <= max))
    throw new RangeError(`${name} must be a number between ${min} and ${max}, got ${JSON.stringify(value)}`);
}

/** One stderr line per attach request that found no process (the run header keeps the reason). */
function warnUnattached(added: AttachedProcess[]): AttachedProcess[] {
  for (const entry of added) {
    if (entry.pid === null) process.stderr.write(`llmmon: attach ${entry.query}: ${entry.reason}\n`);
  }
  return added;
}

function checkPositive(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new RangeError(`${name} must be a number > 0, got ${JSON.stringify(value)}`);
  }
}

/**
 * Measures LLM operations: time, CPU (per thread with the native sampler), memory, GPU, tokens
 * and network; keeps the records of one run.
 * @example
 * const monitor = new LLMMonitor({ thresholds: { peak_memory_mb: 4000 } });
 * const text = await monitor.trackOperation('llama', 'inference', prompt.length, async (op) => {
 *   const out = await model.complete(prompt);
 *   op.setTokens({ input: out.promptTokens, output: out.completionTokens });
 *   return out.text;
 * });
 * monitor.printSummary();
 * await monitor.saveMetrics();
 * await monitor.close();
 */
export class LLMMonitor extends EventEmitter<MonitorEvents> {
  readonly runId: string;
  readonly runName: string | null;
  readonly tags: Record<string, unknown> | null;
  readonly outputDir: string;
  readonly startedAt: Date;
  /** The journal file, or null when journaling is off. */
  readonly journalPath: string | null;

  #lease: SamplerLease;
  #attachments: Attachments;
  #host: HostInfo;
  #thresholds: Thresholds;
  #logAlerts: boolean;
  #records: OperationRecord[] = [];
  #alerts: Alert[] = [];
  #alertTracker: AlertTracker;
  #timeline: Timeline;
  #journal: Journal | null;
  #journalBroken = false;
  #pusher: LivePusher | null;
  #releaseNetwork: () => void;
  #sink: OperationSink;
  #active = 0;
  #closed = false;
  #detail: OperationDetail;
  #endedAt: Date | null = null;
  #leaseReleased = false;

  constructor(options: MonitorOptions = {}) {
    super();
    if (options.sampler !== undefined && !SAMPLER_CHOICES.includes(options.sampler)) {
      throw new RangeError(
        `sampler must be one of ${SAMPLER_CHOICES.join(', ')}, got ${JSON.stringify(options.sampler)}`,
      );
    }
    checkPositive('sampleIntervalMs', options.sampleIntervalMs);
    this.#detail = checkDetail(options.detail) ?? 'full';
    checkPositive('idleSampleIntervalMs', options.idleSampleIntervalMs);
    checkPositive('timelineIntervalMs', options.timelineIntervalMs);
    checkPositive('pushIntervalMs', options.pushIntervalMs);
    checkRange('gpuIntervalMs', options.gpuIntervalMs, 10, 1000);
    const attach =
      options.attach === undefined
        ? (attachFromEnv() ?? []).map((req) => ({ req, source: 'env' }))
        : (Array.isArray(options.attach) ? options.attach : [options.attach]).map((target: AttachTarget) => ({
            req: parseAttachTarget(target),
            source: 'option',
          }));
    this.#thresholds = validateThresholds(options.thresholds ?? {});
    this.#alertTracker = new AlertTracker(this.#thresholds);
    const serverUrl = options.serverUrl ? checkServerUrl(options.serverUrl) : null;
    this.#logAlerts = options.logAlerts ?? true;
    this.runName = options.runName ?? null;
    this.tags = options.tags ?? null;
    this.outputDir = path.resolve(options.outputDir ?? DEFAULT_OUTPUT_DIR);

    this.#lease = acquireSampler({
      choice: options.sampler ?? samplerFromEnv() ?? 'auto',
      ...(options.sampleIntervalMs !== undefined && { intervalMs: options.sampleIntervalMs }),
      ...(options.idleSampleIntervalMs !== undefined && { idleIntervalMs: options.idleSampleIntervalMs }),
      ...(options.gpuIntervalMs !== undefined && { gpuIntervalMs: options.gpuIntervalMs }),
    });
    this.#attachments = new Attachments(this.#lease);
    for (const { req, source } of attach) warnUnattached(this.#attachments.add(req, source));
    const originNs = Number(process.hrtime.bigint());
    this.startedAt = new Date();
    this.runId = `${fileTimestamp(this.startedAt)}-${randomBytes(4).toString('hex')}`;
    this.#host = hostInfo(this.#lease.backend.gpus);
    this.#timeline = new Timeline({
      originNs,
      bucketSeconds: (options.timelineIntervalMs ?? DEFAULT_BUCKET_SECONDS * 1000) / 1000,
    });
    const telemetry = OperationTelemetry.create(options.otel);
    this.#lease.onTimeline((points) => {
      telemetry?.sample(points, this.#lease.info);
      const done = this.#timeline.add(points);
      if (done.length) this.#pusher?.addSamples(done);
    });

    this.journalPath =
      options.journal === false ? null : path.join(this.outputDir, `${this.runId}${JOURNAL_SUFFIX}`);
    this.#journal = this.journalPath
      ? new Journal(this.journalPath, () => ({
          format: JOURNAL_FORMAT,
          run: this.run,
          thresholds: this.#thresholds,
        }))
      : null;
    this.#pusher = serverUrl
      ? new LivePusher({
          serverUrl,
          token: options.serverToken ?? null,
          run: () => this.run,
          ...(options.pushIntervalMs !== undefined && { intervalMs: options.pushIntervalMs }),
        })
      : null;
    this.#releaseNetwork = holdNetworkTracking();
    this.#sink = {
      sampler: this.#lease.backend,
      attached: () => this.#attachments.targets,
      finish: (record) => this.#finish(record),
      telemetry,
    };
    openMonitors.add(this);
    hookBeforeExit();
  }

  /** The run header (`ended_at` is set once the monitor is closed). */
  get run(): RunHeader {
    return {
      id: this.runId,
      name: this.runName,
      started_at: this.startedAt.toISOString(),
      ended_at: this.#endedAt?.toISOString() ?? null,
      tags: this.tags,
      host: this.#host,
      sampler: this.#lease.info,
      attached: this.#attachments.header,
    };
  }

  /**
   * Measures another process in every operation that starts from now on (a local model server):
   * `4242` (pid), `'ollama'` (every process of that name), `':11434'` (the process listening on
   * that TCP port), each with a role (`'ollama@runner'`, `{ port: 11434, role: 'server' }`; default
   * `server`). Returns the run header entries it added: one per process found, or one with the
   * reason none was (nothing listens there, another user's process). A pid that does not exist is
   * attached all the same and reported `not_found`. The adapters call this themselves when their
   * endpoint is on this machine.
   * @throws TypeError / RangeError for a malformed target
   * @example
   * monitor.attach(':11434'); // Ollama's server on this machine
   */
  attach(target: AttachTarget, options: { source?: string } = {}): AttachedProcess[] {
    if (this.#closed) throw new Error(`llmmon: monitor of run ${this.runId} is closed`);
    return warnUnattached(this.#attachments.add(target, options.source ?? 'option'));
  }

  /**
   * Stops measuring an attached process in the operations that start from now on (the run header
   * keeps its entry). Returns false when `pid` was not attached. The adapters call this when they
   * are disposed, for the server they attached.
   */
  detach(pid: number): boolean {
    return this.#attachments.remove(pid);
  }

  /** Finished operations' records, in the order they ended (`seq`). */
  get operations(): readonly OperationRecord[] {
    return this.#records;
  }

  /** Alerts raised so far. */
  get alerts(): readonly Alert[] {
    return this.#alerts;
  }

  /** Which sampler measures this run, and why, if it is the JS fallback. */
  get samplerInfo(): SamplerInfo {
    return this.#lease.info;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live push backlog (null without a server). */
  get pushBacklog(): PushBacklog | null {
    return this.#pusher?.backlog ?? null;
  }

  #begin(modelName: string, operation: string, textLength: number, options?: OperationOptions): Operation {
    if (this.#closed) throw new Error(`llmmon: monitor of run ${this.runId} is closed`);
    const detail = checkDetail(options?.detail) ?? this.#detail;
    const op = new Operation(this.#sink, modelName, operation, textLength, detail);
    this.#active++;
    return op;
  }

  #finish(record: OperationRecord): OperationRecord {
    this.#active--;
    // The record is the operation's own fresh object (buildRecord): numbered in place, not copied.
    record.run_id = this.runId;
    record.seq = this.#records.length;
    this.#records.push(record);
    if (this.#journal && !this.#journalBroken) {
      try {
        this.#journal.append(record);
      } catch (error) {
        this.#journalBroken = true;
        process.stderr.write(
          `llmmon: journal ${this.journalPath}: ${(error as Error).message}; journaling stopped\n`,
        );
      }
    }
    const alerts = this.#alertTracker.check(record);
    for (const alert of alerts) {
      this.#alerts.push(alert);
      if (this.#logAlerts) process.stderr.write(`${formatAlert(alert)}\n`);
      try {
        this.emit('alert', alert);
      } catch (error) {
        // A listener's error must not change the operation's outcome; report it as uncaught.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.#pusher?.addOperation(record, alerts);
    if (this.#closed && this.#active === 0) this.#releaseSampler();
    return record;
  }

  /**
   * Starts an operation and returns its handle, a disposable: it ends when disposed (`using`) or
   * by `end()`. It becomes the current operation for the rest of the calling async function
   * (AsyncLocalStorage `enterWith`); for concurrent operations prefer `trackOperation`. A
   * disposer cannot see an exception: call `op.fail(error)` to record one.
   * @example
   * {
   *   using op = monitor.startOperation('llama', 'inference', prompt.length);
   *   const out = await model.complete(prompt);
   *   op.setTokens({ output: out.tokens });
   * } // recorded here
   */
  startOperation(
    modelName: string,
    operation: string,
    textLength: number,
    options?: OperationOptions,
  ): Operation {
    return this.#begin(modelName, operation, textLength, options).enterContext();
  }

  /**
   * Runs `fn` as one operation and returns its result. An error thrown by `fn` is recorded
   * (`status: "error"`) and rethrown unchanged. `{ detail: 'light' }` measures duration, process
   * CPU and RSS only, at about a third of the cost on the calling thread (see `OperationDetail`).
   * @example
   * const answer = await monitor.trackOperation('llama', 'inference', q.length, () => model.ask(q));
   * const ids = await monitor.trackOperation('tok', 'encode', s.length, () => tok.encode(s), { detail: 'light' });
   */
  async trackOperation<T>(
    modelName: string,
    operation: string,
    textLength: number,
    fn: (op: Operation) => T | Promise<T>,
    options?: OperationOptions,
  ): Promise<T> {
    const op = this.#begin(modelName, operation, textLength, options);
    try {
      const result = await operationStorage.run(op, () => op.inSpan(() => fn(op)));
      op.end();
      return result;
    } catch (error) {
      op.fail(error).end();
      throw error;
    }
  }

  /**
   * Yields the chunks of `source` unchanged, as one operation that starts at the first `next()`
   * and ends with the stream: TTFT at the first chunk, then ITL and tokens/s (one token per chunk
   * unless `countTokens` says otherwise, or an adapter sets exact counts). `source` may be a
   * function returning the stream, called inside the operation.
   * @example
   * for await (const chunk of monitor.trackStream('llama', 'generate', prompt.length, model.stream(prompt))) {
   *   process.stdout.write(chunk);
   * }
   */
  trackStream<T>(
    modelName: string,
    operation: string,
    textLength: number,
    source: StreamSource<T>,
    options: StreamOptions<T> = {},
  ): AsyncGenerator<T, void, undefined> {
    if (this.#closed) throw new Error(`llmmon: monitor of run ${this.runId} is closed`);
    return trackedStream(() => this.#begin(modelName, operation, textLength), source, options);
  }

  /** `ModelStats` per model (warm-up and load operations excluded unless `excludeOperations` says otherwise). */
  getModelComparison(options?: ModelStatsOptions): Record<string, ModelStats> {
    return modelComparison(this.#records, options);
  }

  /** The run in numbers: counts and the per-model statistics. */
  getSummary(): MonitorSummary {
    return {
      run_id: this.runId,
      run_name: this.runName,
      started_at: this.startedAt.toISOString(),
      operations: this.#records.length,
      errors: this.#records.filter((r) => r.status === 'error').length,
      alerts: this.#alerts.length,
      sampler: this.#lease.info,
      models: this.getModelComparison(),
      gpu_throttled: runGpuThrottled(this.#records),
    };
  }

  /** Prints the summary as an aligned table (to stdout unless another stream is given). */
  printSummary(out: { write(text: string): unknown } = process.stdout): void {
    const s = this.getSummary();
    const sampler = `${s.sampler.kind} sampler${s.sampler.reason ? ` (${s.sampler.reason})` : ''}`;
    const lines = [
      `llmmon run ${s.run_id}${s.run_name ? ` (${s.run_name})` : ''}: ${s.operations} operations, ` +
        `${s.errors} errors, ${s.alerts} alerts; ${sampler}`,
      Object.keys(s.models).length ? formatModelTable(s.models) : '(no operations yet)',
    ];
    out.write(`${lines.join('\n')}\n`);
  }

  /** The metrics file's content as of now. */
  toMetricsFile(): MetricsFile {
    this.#lease.pollNow();
    const run = this.run;
    run.ended_at ??= new Date().toISOString();
    return {
      format: METRICS_FORMAT,
      run,
      operations: [...this.#records],
      samples: this.#timeline.samples(),
      alerts: [...this.#alerts],
    };
  }

  /**
   * Writes the metrics file (`llmmon.metrics/1`): default
   * `<outputDir>/metrics_<YYYYMMDD_HHMMSS>.json`. Returns the absolute path written.
   */
  async saveMetrics(file?: string): Promise<string> {
    const target = path.resolve(file ?? path.join(this.outputDir, `metrics_${fileTimestamp()}.json`));
    const data = this.toMetricsFile();
    const checked = MetricsFileSchema.safeParse(data);
    if (!checked.success)
      throw new Error(`llmmon: metrics file would be invalid: ${describeZodError(checked.error)}`);
    writeFileAtomic(target, `${JSON.stringify(data, null, 2)}\n`);
    return target;
  }

  /**
   * Writes the operations as CSV (RFC 4180, header = record fields in schema order, null = empty
   * cell, `threads`/`metadata` as JSON text): default `<outputDir>/metrics_<YYYYMMDD_HHMMSS>.csv`.
   */
  async exportCsv(file?: string): Promise<string> {
    const target = path.resolve(file ?? path.join(this.outputDir, `metrics_${fileTimestamp()}.csv`));
    const text = stringify([CSV_COLUMNS as string[], ...this.#records.map(toCsvRow)], {
      record_delimiter: '\r\n',
    });
    writeFileAtomic(target, text);
    return target;
  }

  /** Drains the timeline and sends all queued live data; resolves with what is still undelivered. */
  async flush(timeoutMs?: number): Promise<PushBacklog> {
    this.#lease.pollNow();
    return this.#pusher ? this.#pusher.flush(timeoutMs) : { operations: 0, samples: 0 };
  }

  /**
   * Ends the run: closes the timeline, delivers live data (reporting on stderr what it could
   * not), closes the journal and releases the sampler. Idempotent.
   */
  async close(timeoutMs?: number): Promise<void> {
    if (this.#closed) return;
    this.#lease.pollNow();
    this.#closed = true;
    this.#endedAt = new Date();
    const last = this.#timeline.closeOpenBucket();
    openMonitors.delete(this);
    this.#journal?.updateHeader();
    this.#journal?.close();
    this.#releaseNetwork();
    if (this.#active === 0) this.#releaseSampler();
    if (this.#pusher) {
      this.#pusher.addSamples(last);
      await this.#pusher.close(timeoutMs);
    }
  }

  #releaseSampler(): void {
    if (this.#leaseReleased) return;
    this.#leaseReleased = true;
    this.#lease.release();
  }

  /** @internal Flush live data when the event loop empties (once per monitor). */
  async flushBeforeExit(): Promise<void> {
    if (!this.#pusher) return;
    const left = this.#pusher.backlog;
    if (left.operations || left.samples) await this.flush(5000);
  }
}

function hookBeforeExit(): void {
  if (beforeExitHooked) return;
  beforeExitHooked = true;
  const tried = new WeakSet<LLMMonitor>();
  process.on('beforeExit', () => {
    for (const m of openMonitors) {
      if (tried.has(m)) continue;
      tried.add(m);
      void m.flushBeforeExit();
    }
  });
}
