/**
 * The OpenTelemetry names llmmon uses, in one place: core's span and metric export and the
 * server's Prometheus `/metrics` both take their names from here, so the two always agree.
 * Browser-safe: no import of `@opentelemetry/api`.
 *
 * GenAI metrics follow semantic conventions v1.41
 * (https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-metrics.md):
 * `gen_ai.client.operation.duration`, `gen_ai.client.token.usage`,
 * `gen_ai.client.operation.time_to_first_chunk` and `…time_per_output_chunk`. That document asks
 * instrumentations to keep emitting those by default and to emit the latest experimental
 * conventions instead when `OTEL_SEMCONV_STABILITY_OPT_IN` lists `gen_ai_latest_experimental`;
 * the latest ones moved to the GenAI conventions repository
 * (https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
 * and gen-ai-token-metrics.md): `gen_ai.client.inference.duration`,
 * `…inference.time_to_first_chunk`, `…inference.time_per_output_chunk`, the per-operation token
 * histograms `gen_ai.client.inference.operation.{input,output}_tokens` and the usage counters
 * `gen_ai.client.inference.usage.{input,output}_tokens`.
 */

/** The environment variable of the conventions' transition plan, and the value that opts in. */
export const SEMCONV_OPT_IN_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';
export const GEN_AI_LATEST = 'gen_ai_latest_experimental';

/**
 * Whether `value` (the comma-separated `OTEL_SEMCONV_STABILITY_OPT_IN`) opts in to the latest
 * experimental GenAI conventions.
 * @example genAiLatest('http,gen_ai_latest_experimental') // true
 */
export function genAiLatest(value: string | undefined | null): boolean {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(GEN_AI_LATEST);
}

/** Span and metric attribute keys (GenAI, error, hardware, process conventions). */
export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The name older instrumentations (conventions v1.36 and before) give the provider. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Names older instrumentations (and OpenLLMetry) give the token counts. */
  promptTokens: 'gen_ai.usage.prompt_tokens',
  completionTokens: 'gen_ai.usage.completion_tokens',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  tokenType: 'gen_ai.token.type',
  tokenModality: 'gen_ai.token.modality',
  errorType: 'error.type',
  serviceName: 'service.name',
  hostName: 'host.name',
  hwId: 'hw.id',
  hwType: 'hw.type',
  cpuMode: 'cpu.mode',
} as const;

/** The conventions' fallback value of `error.type` (and of a label past the series limit). */
export const OTHER = '_OTHER';

/** Prefix of llmmon's own span attributes (`llmmon.cpu_time_seconds`, …). */
export const LLMMON_PREFIX = 'llmmon.';

/** Explicit bucket boundaries the conventions give for durations (seconds). */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
/** Explicit bucket boundaries the conventions give for token counts. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Bucket boundaries the conventions give for time to the first token or chunk (seconds). */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
/** Bucket boundaries the conventions give for time per output token or chunk (seconds). */
export const TIME_PER_OUTPUT_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5,
];
/** Peak RSS buckets (bytes): 16 MB … 64 GB, ×2 (llmmon's own metric). */
export const MEMORY_BUCKETS = Array.from({ length: 13 }, (_, i) => 2 ** (24 + i));

export type InstrumentKind = 'histogram' | 'counter' | 'gauge' | 'updowncounter';

/** One metric: its OpenTelemetry name, instrument, UCUM unit, description and buckets. */
export interface MetricDef {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  readonly buckets?: readonly number[];
}

const histogram = (name: string, unit: string, description: string, buckets: readonly number[]) =>
  ({ name, kind: 'histogram', unit, description, buckets }) as const satisfies MetricDef;

/** The per-operation metrics of one version of the GenAI conventions, plus llmmon's own. */
export interface OperationMetricNames {
  readonly version: 'v1.41' | 'latest';
  readonly duration: MetricDef;
  readonly timeToFirstChunk: MetricDef;
  readonly timePerOutputChunk: MetricDef;
  /** v1.41: one histogram with `gen_ai.token.type` = input | output. */
  readonly tokenUsage: MetricDef | null;
  /** latest: per-operation token histograms and usage counters, one per token type. */
  readonly inputTokens: MetricDef | null;
  readonly outputTokens: MetricDef | null;
  readonly inputTokensUsage: MetricDef | null;
  readonly outputTokensUsage: MetricDef | null;
  readonly peakMemory: MetricDef;
  readonly cpuTime: MetricDef;
  readonly errors: MetricDef;
}

const LLMMON_OPERATION_METRICS = {
  peakMemory: histogram(
    'llmmon.operation.peak_memory',
    'By',
    'Highest resident set size seen during each operation (peak_memory_mb × 2^20).',
    MEMORY_BUCKETS,
  ),
  cpuTime: {
    name: 'llmmon.operation.cpu',
    kind: 'counter',
    unit: 's',
    description: 'Process CPU time used by the operations (cpu_time_seconds).',
  },
  errors: {
    name: 'llmmon.operation.errors',
    kind: 'counter',
    unit: '{operation}',
    description: 'Operations whose status is "error".',
  },
} as const satisfies Record<string, MetricDef>;

const V1_41: OperationMetricNames = {
  version: 'v1.41',
  duration: histogram('gen_ai.client.operation.duration', 's', 'GenAI operation duration.', DURATION_BUCKETS),
  timeToFirstChunk: histogram(
    'gen_ai.client.operation.time_to_first_chunk',
    's',
    'Time to receive the first chunk of a streamed operation (time_to_first_token_seconds).',
    TTFT_BUCKETS,
  ),
  timePerOutputChunk: histogram(
    'gen_ai.client.operation.time_per_output_chunk',
    's',
    "Time per output chunk after the first: one value per streamed operation, the operation's mean (inter_token_latency_seconds).",
    TIME_PER_OUTPUT_BUCKETS,
  ),
  tokenUsage: histogram(
    'gen_ai.client.token.usage',
    '{token}',
    'Number of input and output tokens used per operation.',
    TOKEN_BUCKETS,
  ),
  inputTokens: null,
  outputTokens: null,
  inputTokensUsage: null,
  outputTokensUsage: null,
  ...LLMMON_OPERATION_METRICS,
};

const LATEST: OperationMetricNames = {
  version: 'latest',
  duration: histogram(
    'gen_ai.client.inference.duration',
    's',
    'GenAI client inference operation duration.',
    DURATION_BUCKETS,
  ),
  timeToFirstChunk: histogram(
    'gen_ai.client.inference.time_to_first_chunk',
    's',
    'Time to receive the first chunk of a streamed operation (time_to_first_token_seconds).',
    TTFT_BUCKETS,
  ),
  timePerOutputChunk: histogram(
    'gen_ai.client.inference.time_per_output_chunk',
    's',
    "Time per output chunk after the first: one value per streamed operation, the operation's mean (inter_token_latency_seconds).",
    TIME_PER_OUTPUT_BUCKETS,
  ),
  tokenUsage: null,
  inputTokens: histogram(
    'gen_ai.client.inference.operation.input_tokens',
    '{token}',
    'The number of input (prompt) tokens used per inference operation.',
    TOKEN_BUCKETS,
  ),
  outputTokens: histogram(
    'gen_ai.client.inference.operation.output_tokens',
    '{token}',
    'The number of output (completion) tokens used per inference operation.',
    TOKEN_BUCKETS,
  ),
  inputTokensUsage: {
    name: 'gen_ai.client.inference.usage.input_tokens',
    kind: 'counter',
    unit: '{token}',
    description: 'The number of input (prompt) tokens used.',
  },
  outputTokensUsage: {
    name: 'gen_ai.client.inference.usage.output_tokens',
    kind: 'counter',
    unit: '{token}',
    description: 'The number of output (completion) tokens used.',
  },
  ...LLMMON_OPERATION_METRICS,
};

/**
 * The operation metrics to emit: the v1.41 names, or the latest experimental ones when
 * `optIn` (the value of `OTEL_SEMCONV_STABILITY_OPT_IN`) asks for them.
 */
export function operationMetricNames(optIn: string | undefined | null): OperationMetricNames {
  return genAiLatest(optIn) ? LATEST : V1_41;
}

/**
 * Process, system and hardware metrics a monitor reports from its sampler, named by the
 * OpenTelemetry process (https://opentelemetry.io/docs/specs/semconv/system/process-metrics/),
 * system and hardware GPU (https://opentelemetry.io/docs/specs/semconv/hardware/gpu/) conventions.
 */
export const RESOURCE_METRICS = {
  processCpuTime: {
    name: 'process.cpu.time',
    kind: 'counter',
    unit: 's',
    description: 'Total CPU seconds of this process, by cpu.mode (user, system).',
  },
  processCpuUtilization: {
    name: 'process.cpu.utilization',
    kind: 'gauge',
    unit: '1',
    description:
      "Process CPU time over the last timeline interval, divided by the interval and the machine's logical CPUs.",
  },
  processMemoryUsage: {
    name: 'process.memory.usage',
    kind: 'updowncounter',
    unit: 'By',
    description: 'Resident set size of this process (the latest timeline point).',
  },
  systemCpuUtilization: {
    name: 'system.cpu.utilization',
    kind: 'gauge',
    unit: '1',
    description: 'Whole-machine CPU utilization (0–1) at the latest timeline point.',
  },
  gpuUtilization: {
    name: 'hw.gpu.utilization',
    kind: 'gauge',
    unit: '1',
    description: 'GPU utilization (0–1) at the latest timeline point, where a GPU backend measures it.',
  },
} as const satisfies Record<string, MetricDef>;

/**
 * The conventions' `gen_ai.operation.name` for an llmmon operation kind: a well-known value where
 * one applies, else the kind itself (custom values are allowed).
 */
const WELL_KNOWN_OPERATIONS: Readonly<Record<string, string>> = {
  chat: 'chat',
  embed: 'embeddings',
  embedding: 'embeddings',
  embeddings: 'embeddings',
  generate: 'text_completion',
  completion: 'text_completion',
  text_completion: 'text_completion',
  generate_content: 'generate_content',
  execute_tool: 'execute_tool',
  invoke_agent: 'invoke_agent',
};

export function genAiOperationName(operation: string): string {
  return WELL_KNOWN_OPERATIONS[operation] ?? operation;
}

const UNIT_SUFFIX: Readonly<Record<string, string>> = { s: 'seconds', By: 'bytes', '1': 'ratio' };

/**
 * The Prometheus name of a metric, as OpenTelemetry's Prometheus exporters write it: `.` → `_`,
 * the unit as a suffix (`s` → `seconds`, `By` → `bytes`, `1` → `ratio`; annotations such as
 * `{token}` add none), and `_total` on counters.
 * @example prometheusName(operationMetricNames(null).duration) // 'gen_ai_client_operation_duration_seconds'
 */
export function prometheusName(def: MetricDef): string {
  let name = def.name.replace(/[^a-zA-Z0-9_]/g, '_');
  const suffix = UNIT_SUFFIX[def.unit];
  if (suffix && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  if (def.kind === 'counter') name += '_total';
  return name;
}

/** The Prometheus label name of an attribute key (`gen_ai.request.model` → `gen_ai_request_model`). */
export const prometheusLabel = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');
