/**
 * The handle of one running operation: what `trackOperation` passes to its callback, what
 * `startOperation` returns (a disposable) and what `currentOperation()` finds. It holds the
 * operation's sampler window, token counts, first-token time, network counters and metadata
 * until `end()` turns them into the record.
 */
import { operationStorage } from './context.js';
import type { OperationTelemetry, TelemetrySpan } from './otel/telemetry.js';
import { buildRecord, type NetworkCounts } from './record.js';
import type { AttachedTarget } from './record-processes.js';
import type { SamplerBackend } from './sampler/types.js';
import type { OperationRecord } from './schema/operation.js';

/** What an operation reports to the monitor that started it. @internal */
export interface OperationSink {
  readonly sampler: SamplerBackend;
  /** The processes attached now (an operation reports those attached when it starts). */
  attached(): readonly AttachedTarget[];
  /** Sets the record's run id and seq (in place), stores, journals, raises alerts and pushes it. */
  finish(record: OperationRecord): OperationRecord;
  /** OpenTelemetry export (a span per operation, metrics), or null when off. */
  readonly telemetry: OperationTelemetry | null;
}

/**
 * How much a tracked call measures. `full` (default): every figure of the record, with the CPU
 * time of each thread. `light`, for hot paths: duration, the process's CPU time and RSS (start,
 * end, peak) only: no per-thread list (`threads` null), no GPU or energy figures, and the CPU
 * time is the process CPU clock's change (Linux: uncertain by a scheduler tick per thread
 * running on another CPU at each end); it costs the calling thread about a third.
 */
export type OperationDetail = 'full' | 'light';

export const OPERATION_DETAILS: readonly OperationDetail[] = ['full', 'light'];

/** Per-call options of `trackOperation` and `startOperation`. */
export interface OperationOptions {
  /** `full` or `light` (see {@link OperationDetail}); default: the monitor's `detail`. */
  detail?: OperationDetail;
}

/** Checks a `detail` option; throws a RangeError naming it. */
export function checkDetail(detail: unknown): OperationDetail | undefined {
  if (detail === undefined || OPERATION_DETAILS.includes(detail as OperationDetail))
    return detail as OperationDetail | undefined;
  throw new RangeError(
    `detail must be one of ${OPERATION_DETAILS.join(', ')}, got ${JSON.stringify(detail)}`,
  );
}

export interface TokenCounts {
  /** Prompt tokens. */
  input?: number | null;
  /** Generated tokens. */
  output?: number | null;
}

const now = () => Number(process.hrtime.bigint());

function checkCount(name: string, n: number | null | undefined): void {
  if (n === null || n === undefined) return;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * A running operation. Exact counts that a model runtime reports win over what llmmon counts
 * itself (chunks of a stream).
 * @example
 * await monitor.trackOperation('llama', 'generate', prompt.length, async (op) => {
 *   const out = await model.generate(prompt, { onFirstToken: () => op.markFirstToken() });
 *   op.setTokens({ input: out.promptTokens, output: out.completionTokens });
 *   op.setMetadata({ temperature: 0 });
 *   return out.text;
 * });
 */
export class Operation implements Disposable {
  readonly modelName: string;
  readonly operation: string;
  /** When the operation started (wall clock). */
  readonly startedAt: Date;
  /** The operation that was current when this one started (nested operations). */
  readonly parent: Operation | undefined;
  /** Requests and bytes of HTTP traffic attributed to this operation. @internal */
  readonly net: NetworkCounts = { requests: 0, bytesSent: 0, bytesReceived: 0 };

  #textLength: number;
  #sink: OperationSink;
  #window: number;
  #attached: readonly AttachedTarget[];
  #startNs: number;
  #record: OperationRecord | undefined;
  #failed: { error: unknown } | null = null;
  #inputTokens: number | null = null;
  #outputTokens: number | null = null;
  #countedTokens: number | null = null;
  #firstTokenNs: number | null = null;
  #firstChunkNs: number | null = null;
  #metadata: Record<string, unknown> | null = null;
  #enteredContext = false;
  #span: TelemetrySpan | undefined;
  #light: boolean;

  /** @internal Use `monitor.startOperation()` or `monitor.trackOperation()`. */
  constructor(
    sink: OperationSink,
    modelName: string,
    operation: string,
    textLength: number,
    detail: OperationDetail = 'full',
  ) {
    if (typeof modelName !== 'string' || modelName === '')
      throw new TypeError('model name must be a non-empty string');
    if (typeof operation !== 'string' || operation === '')
      throw new TypeError('operation must be a non-empty string');
    checkCount('textLength', textLength);
    this.modelName = modelName;
    this.operation = operation;
    this.#textLength = textLength;
    this.#sink = sink;
    this.parent = operationStorage.getStore();
    this.startedAt = new Date();
    this.#span = sink.telemetry?.start(modelName, operation, this.startedAt);
    this.#light = detail === 'light';
    this.#attached = sink.attached();
    this.#window = sink.sampler.openWindow(this.#light);
    this.#startNs = now();
  }

  get textLength(): number {
    return this.#textLength;
  }

  /** Whether the operation has ended (its record is final). */
  get ended(): boolean {
    return this.#record !== undefined;
  }

  /** The record, once the operation has ended. */
  get record(): OperationRecord | undefined {
    return this.#record;
  }

  /** Seconds since the operation started. */
  get elapsedSeconds(): number {
    return (now() - this.#startNs) / 1e9;
  }

  /** Sets exact token counts (what the engine reports); missing keys are left as they are. */
  setTokens(tokens: TokenCounts): this {
    checkCount('input tokens', tokens.input);
    checkCount('output tokens', tokens.output);
    if (tokens.input !== undefined) this.#inputTokens = tokens.input;
    if (tokens.output !== undefined) this.#outputTokens = tokens.output;
    return this;
  }

  /** Marks the first generated token now (only the first call counts): TTFT = this − start. */
  markFirstToken(): this {
    this.#firstTokenNs ??= now();
    return this;
  }

  /** Merges keys into the record's `metadata` (free JSON). */
  setMetadata(metadata: Record<string, unknown>): this {
    this.#metadata = { ...this.#metadata, ...metadata };
    return this;
  }

  /** Corrects the input length in characters (e.g. when an adapter sees the final prompt). */
  setTextLength(textLength: number): this {
    checkCount('textLength', textLength);
    this.#textLength = textLength;
    return this;
  }

  /**
   * Marks the operation as failed with `error` (recorded when it ends). `trackOperation` does
   * this itself; with `using`, call it in a `catch`, since a disposer cannot see the exception.
   */
  fail(error: unknown): this {
    this.#failed ??= { error };
    return this;
  }

  /** A stream chunk arrived carrying `tokens` tokens. @internal */
  chunk(tokens: number): void {
    if (tokens <= 0) return;
    this.#firstChunkNs ??= now();
    this.#countedTokens = (this.#countedTokens ?? 0) + tokens;
  }

  /** Ends the operation (idempotent) and returns its record. */
  end(): OperationRecord {
    if (this.#record) return this.#record;
    const endNs = now();
    const window = this.#sink.sampler.closeWindow(this.#window);
    if (this.#light) window.threads = null; // not measured (a light window reads no thread)
    const first = this.#firstTokenNs ?? this.#firstChunkNs;
    const sampler = this.#sink.sampler;
    const record = buildRecord({
      modelName: this.modelName,
      operation: this.operation,
      textLength: this.#textLength,
      startedAt: this.startedAt,
      durationSeconds: (endNs - this.#startNs) / 1e9,
      firstTokenSeconds: first === null ? null : (first - this.#startNs) / 1e9,
      inputTokens: this.#inputTokens,
      outputTokens: this.#outputTokens ?? this.#countedTokens,
      window,
      sampler: sampler.kind,
      gpuAvailable: sampler.gpuAvailable,
      attached: this.#attached,
      network: this.net,
      failed: this.#failed,
      metadata: this.#metadata,
    });
    this.#record = this.#sink.finish(record);
    this.#sink.telemetry?.end(this.#span, this.#record, this.#failed?.error);
    if (this.#enteredContext && operationStorage.getStore() === this) {
      operationStorage.enterWith(this.activeAncestor() as Operation);
    }
    return this.#record;
  }

  [Symbol.dispose](): void {
    this.end();
  }

  /** The nearest enclosing operation that is still running. @internal */
  activeAncestor(): Operation | undefined {
    let op = this.parent;
    while (op?.ended) op = op.parent;
    return op;
  }

  /** Runs `fn` with this operation's span as the active OpenTelemetry span, if it has one. @internal */
  inSpan<T>(fn: () => T): T {
    return this.#span ? this.#sink.telemetry!.run(this.#span, fn) : fn();
  }

  /** Makes this the current operation for the rest of the caller's async context. @internal */
  enterContext(): this {
    this.#enteredContext = true;
    operationStorage.enterWith(this);
    return this;
  }
}
