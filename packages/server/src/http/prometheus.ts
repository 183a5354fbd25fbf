/**
 * `GET /metrics`: Prometheus text format (prom-client), base units, counting what the server
 * stored since it started. The per-operation metrics (operation-metrics.ts) carry the names core's
 * OpenTelemetry export uses (`gen_ai.client.operation.duration` →
 * `gen_ai_client_operation_duration_seconds`, or the latest experimental names under
 * `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`).
 *
 * Label cardinality is bounded: the first `MAX_SERIES` (model, operation) pairs get their own
 * series; later pairs are counted under `_OTHER` (the conventions' value for "other").
 *
 * GPU, energy and power follow the OpenTelemetry hardware conventions' names where they have one
 * (`hw.energy` → `hw_energy_joules_total`, `hw.gpu.memory.usage` → `hw_gpu_memory_usage_bytes`,
 * `hw.power` → `hw_power_watts`, with `hw.type` as the label `hw_type`); a metric is absent, not
 * 0, until a stored operation or live sample has its value.
 */
import { MEMORY_BUCKETS } from '@llmmon/core/otel';
import { BYTES_PER_MB, type OperationRecord, type Sample } from '@llmmon/core/schema';
import { Counter, Gauge, Registry } from 'prom-client';
import type { IngestEvent, Store } from '../store/store.js';
import { MODEL, OPERATION, OperationMetrics } from './operation-metrics.js';
import { type Series, SeriesCounter, SeriesHistogram, series, withLabel } from './series.js';

export const MAX_SERIES = 50;
/** Most characters of a label value; longer ones are cut and end in `…`. */
export const MAX_LABEL_LENGTH = 128;

/** Control characters and lone surrogates. */
const UNCARRIED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what it matches
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A stored name as a label value the exposition format carries whatever it holds: control
 * characters (which the format does not escape; a CR or NUL breaks scrapers) and lone surrogates
 * become U+FFFD, and it is cut to `MAX_LABEL_LENGTH` characters. prom-client escapes `\`, `"`
 * and line feeds (none are left) as the format says.
 * @example labelValue('a\u0000b') // 'a\ufffdb'
 */
export function labelValue(value: string): string {
  const clean = value.replace(UNCARRIED, '\ufffd');
  const chars = [...clean];
  return chars.length <= MAX_LABEL_LENGTH ? clean : `${chars.slice(0, MAX_LABEL_LENGTH - 1).join('')}…`;
}
const OTHER = '_OTHER';

export class Metrics {
  readonly registry = new Registry();
  /** The (model, operation) pairs with a series of their own (at most MAX_SERIES), by key. */
  private readonly pairs = new Map<string, Series>();
  private readonly otherPair = series({ [MODEL]: OTHER, [OPERATION]: OTHER });
  private readonly operations = new OperationMetrics(this.registry);
  // GPU and energy of the operations, named as the OpenTelemetry hardware conventions name them
  // where they have a name (hw.energy, with hw.type) and llmmon_* where they have none.
  private readonly energy = new SeriesCounter({
    name: 'hw_energy_joules_total',
    help: 'Energy the counters measured during the stored operations, by hw_type: gpu (gpu_energy_joules), cpu (cpu_energy_joules, the CPU package). Device- and package-wide: concurrent operations share it.',
    registry: this.registry,
  });
  private readonly gpuMemory = new SeriesHistogram({
    name: 'llmmon_operation_gpu_memory_peak_bytes',
    help: 'Highest GPU memory seen during each operation (gpu_memory_peak_mb × 2^20; gpu_memory_scope says whose).',
    buckets: MEMORY_BUCKETS,
    registry: this.registry,
  });
  private readonly gpuThrottled = new SeriesCounter({
    name: 'llmmon_operation_gpu_throttled_total',
    help: 'Stored operations during which a GPU reported power or thermal throttling (gpu_throttled).',
    registry: this.registry,
  });
  // The attached model server's processes (role server): what each operation cost there.
  private readonly serverCpuSeconds = new SeriesCounter({
    name: 'llmmon_operation_server_cpu_seconds_total',
    help: "CPU time of the attached model server's processes during the stored operations (server_cpu_time_seconds).",
    registry: this.registry,
  });
  private readonly serverPeakMemory = new SeriesHistogram({
    name: 'llmmon_operation_server_peak_memory_bytes',
    help: "Peak resident set size of the attached model server's processes during each operation (server_peak_memory_mb × 2^20).",
    buckets: MEMORY_BUCKETS,
    registry: this.registry,
  });
  private readonly ingested = new Counter({
    name: 'llmmon_ingested_total',
    help: 'Rows newly stored since the server started, by kind (operations, samples, alerts).',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  // The latest live timeline sample of any run (labelled with it), one metric per unit
  // (Prometheus base units: bytes, and ratios where the record has percent), named as the
  // OpenTelemetry process, system and hardware conventions name them. Labelled, so that nothing
  // is exported before a sample has the value (an unlabelled gauge would read 0).
  private readonly liveCpu = new Gauge({
    name: 'llmmon_live_process_cpu_ratio',
    help: 'Process CPU time over wall time in the latest live sample of any run (cpu_percent / 100: 1 = one core busy).',
    labelNames: ['run_id'],
    registers: [this.registry],
  });
  private readonly liveRss = new Gauge({
    name: 'llmmon_live_process_resident_memory_bytes',
    help: 'Resident set size in the latest live sample of any run (rss_mb × 2^20).',
    labelNames: ['run_id'],
    registers: [this.registry],
  });
  private readonly liveSystemCpu = new Gauge({
    name: 'llmmon_live_system_cpu_utilization_ratio',
    help: 'Whole-machine CPU utilization (0–1) in the latest live sample that had it (system_cpu_percent / 100).',
    labelNames: ['run_id'],
    registers: [this.registry],
  });
  private readonly liveGpu = new Gauge({
    name: 'llmmon_live_gpu_utilization_ratio',
    help: 'GPU utilization (0–1) in the latest live sample that had it (gpu_util_percent / 100).',
    labelNames: ['run_id'],
    registers: [this.registry],
  });
  private readonly liveGpuMemory = new Gauge({
    name: 'hw_gpu_memory_usage_bytes',
    help: 'GPU memory in use in the latest live sample that had it (gpu_memory_mb × 2^20: this process where the backend tells, else the devices).',
    labelNames: ['run_id'],
    registers: [this.registry],
  });
  private readonly livePower = new Gauge({
    name: 'hw_power_watts',
    help: 'Power the GPUs reported in the latest live sample that had it (gpu_power_watts).',
    labelNames: ['run_id', 'hw_type'],
    registers: [this.registry],
  });
  private readonly onIngest = (e: IngestEvent) => this.record(e);

  constructor(
    private readonly store: Store,
    live: { size: number },
  ) {
    const self = this;
    // The process metrics of the Prometheus client conventions, by hand: prom-client's default
    // set also exports nodejs_*_total gauges that promtool's lint rejects.
    let cpuSeen = 0;
    new Counter({
      name: 'process_cpu_seconds_total',
      help: 'Total user and system CPU time spent in seconds.',
      registers: [this.registry],
      collect() {
        const { user, system } = process.cpuUsage();
        const total = (user + system) / 1e6;
        this.inc(Math.max(0, total - cpuSeen));
        cpuSeen = total;
      },
    });
    new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      registers: [this.registry],
      collect() {
        this.set(process.memoryUsage.rss());
      },
    });
    new Gauge({
      name: 'process_heap_bytes',
      help: 'Process heap size (V8 heap used) in bytes.',
      registers: [this.registry],
      collect() {
        this.set(process.memoryUsage().heapUsed);
      },
    });
    new Gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      registers: [this.registry],
    }).set(Math.round(Date.now() / 1000 - process.uptime()));
    new Gauge({
      name: 'llmmon_live_clients',
      help: 'Connected /api/live clients.',
      registers: [this.registry],
      collect() {
        this.set(live.size);
      },
    });
    new Gauge({
      name: 'llmmon_stored',
      help: 'Rows in the DuckDB file, by table (runs, operations).',
      labelNames: ['table'],
      registers: [this.registry],
      async collect() {
        const n = await self.store.counts();
        this.set({ table: 'runs' }, n.runs);
        this.set({ table: 'operations' }, n.operations);
      },
    });
    store.on('ingest', this.onIngest);
  }

  /** The (bounded) model and operation labels of `op`: its own series, or `_OTHER`'s past MAX_SERIES pairs. */
  private labels(op: OperationRecord): Series {
    const model = labelValue(op.model_name);
    const operation = labelValue(op.operation);
    const key = `${model}\u0000${operation}`;
    let pair = this.pairs.get(key);
    if (pair) return pair;
    if (this.pairs.size >= MAX_SERIES) return this.otherPair;
    pair = series({ [MODEL]: model, [OPERATION]: operation });
    this.pairs.set(key, pair);
    return pair;
  }

  /** Counts the rows an ingest newly stored. */
  record(e: IngestEvent) {
    for (const op of e.operations) {
      const l = this.labels(op);
      this.operations.observe(op, l);
      if (op.gpu_energy_joules !== null)
        this.energy.inc(withLabel(l, 'hw_type', 'gpu'), op.gpu_energy_joules);
      if (op.cpu_energy_joules !== null)
        this.energy.inc(withLabel(l, 'hw_type', 'cpu'), op.cpu_energy_joules);
      if (op.gpu_memory_peak_mb !== null) this.gpuMemory.observe(l, op.gpu_memory_peak_mb * BYTES_PER_MB);
      if (op.gpu_throttled) this.gpuThrottled.inc(l);
      if (op.server_cpu_time_seconds !== null) this.serverCpuSeconds.inc(l, op.server_cpu_time_seconds);
      if (op.server_peak_memory_mb !== null)
        this.serverPeakMemory.observe(l, op.server_peak_memory_mb * BYTES_PER_MB);
    }
    this.ingested.inc({ kind: 'operations' }, e.operations.length);
    this.ingested.inc({ kind: 'samples' }, e.samples.length);
    this.ingested.inc({ kind: 'alerts' }, e.alerts.length);
    const last: Sample | undefined = e.samples[e.samples.length - 1];
    if (e.live && last) {
      const latest = (gauge: Gauge<'run_id'>, value: number | null) => {
        gauge.reset();
        if (value !== null) gauge.set({ run_id: labelValue(e.run_id) }, value);
      };
      latest(this.liveCpu, last.cpu_percent === null ? null : last.cpu_percent / 100);
      latest(this.liveRss, last.rss_mb * BYTES_PER_MB);
      latest(this.liveSystemCpu, last.system_cpu_percent === null ? null : last.system_cpu_percent / 100);
      latest(this.liveGpu, last.gpu_util_percent === null ? null : last.gpu_util_percent / 100);
      latest(this.liveGpuMemory, last.gpu_memory_mb === null ? null : last.gpu_memory_mb * BYTES_PER_MB);
      this.livePower.reset();
      if (last.gpu_power_watts !== null)
        this.livePower.set({ run_id: labelValue(e.run_id), hw_type: 'gpu' }, last.gpu_power_watts);
    }
  }

  /** The exposition text. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close() {
    this.store.off('ingest', this.onIngest);
  }
}
