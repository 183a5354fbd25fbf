/**
 * Metrics of finished operations (GenAI names, `semconv.ts`) and of the process, machine and GPU
 * (OpenTelemetry process, system and `hw.*` names), recorded through whatever meter provider the
 * app registered. Instruments are made once per meter; without a registered SDK the API hands out
 * its no-op meter and nothing is made or recorded.
 */
import { cpus } from 'node:os';
import type { Attributes, Histogram, Meter, Counter as OtelCounter } from '@opentelemetry/api';
import { BYTES_PER_MB } from '../schema/field.js';
import type { OperationRecord } from '../schema/operation.js';
import type { SamplerInfo } from '../schema/run.js';
import type { OtelApi } from './api.js';
import { ATTR, type MetricDef, type OperationMetricNames, RESOURCE_METRICS } from './semconv.js';
import { INSTRUMENTATION_NAME } from './spans.js';

/** The latest timeline figures the observable gauges report (process-wide: one process, one set). */
export interface LatestSample {
  cpuPercent: number | null;
  rssBytes: number;
  systemCpuPercent: number | null;
  gpuUtilPercent: number | null;
  gpuBackend: SamplerInfo['gpu_backend'];
}

let latest: LatestSample | null = null;

/** Remembers the newest timeline figures for the observable gauges. */
export function noteSample(sample: LatestSample): void {
  latest = sample;
}

interface OperationInstruments {
  duration: Histogram;
  timeToFirstChunk: Histogram;
  timePerOutputChunk: Histogram;
  tokenUsage: Histogram | null;
  inputTokens: Histogram | null;
  outputTokens: Histogram | null;
  inputTokensUsage: OtelCounter | null;
  outputTokensUsage: OtelCounter | null;
  peakMemory: Histogram;
  cpuTime: OtelCounter;
  errors: OtelCounter;
}

const histogram = (meter: Meter, def: MetricDef) =>
  meter.createHistogram(def.name, {
    unit: def.unit,
    description: def.description,
    ...(def.buckets && { advice: { explicitBucketBoundaries: [...def.buckets] } }),
  });
const counter = (meter: Meter, def: MetricDef) =>
  meter.createCounter(def.name, { unit: def.unit, description: def.description });

function operationInstruments(meter: Meter, names: OperationMetricNames): OperationInstruments {
  const maybe = <T>(def: MetricDef | null, make: (m: Meter, d: MetricDef) => T) =>
    def ? make(meter, def) : null;
  return {
    duration: histogram(meter, names.duration),
    timeToFirstChunk: histogram(meter, names.timeToFirstChunk),
    timePerOutputChunk: histogram(meter, names.timePerOutputChunk),
    tokenUsage: maybe(names.tokenUsage, histogram),
    inputTokens: maybe(names.inputTokens, histogram),
    outputTokens: maybe(names.outputTokens, histogram),
    inputTokensUsage: maybe(names.inputTokensUsage, counter),
    outputTokensUsage: maybe(names.outputTokensUsage, counter),
    peakMemory: histogram(meter, names.peakMemory),
    cpuTime: counter(meter, names.cpuTime),
    errors: counter(meter, names.errors),
  };
}

/** Registers the process, system and GPU gauges on `meter`, read from `latest` when collected. */
function observeResources(meter: Meter): void {
  const m = RESOURCE_METRICS;
  const logicalCpus = Math.max(1, cpus().length);
  const opts = (def: MetricDef) => ({ unit: def.unit, description: def.description });
  meter.createObservableCounter(m.processCpuTime.name, opts(m.processCpuTime)).addCallback((r) => {
    const { user, system } = process.cpuUsage();
    r.observe(user / 1e6, { [ATTR.cpuMode]: 'user' });
    r.observe(system / 1e6, { [ATTR.cpuMode]: 'system' });
  });
  meter
    .createObservableUpDownCounter(m.processMemoryUsage.name, opts(m.processMemoryUsage))
    .addCallback((r) => {
      if (latest) r.observe(latest.rssBytes);
    });
  meter
    .createObservableGauge(m.processCpuUtilization.name, opts(m.processCpuUtilization))
    .addCallback((r) => {
      if (latest?.cpuPercent != null) r.observe(latest.cpuPercent / 100 / logicalCpus);
    });
  meter.createObservableGauge(m.systemCpuUtilization.name, opts(m.systemCpuUtilization)).addCallback((r) => {
    if (latest?.systemCpuPercent != null) r.observe(latest.systemCpuPercent / 100);
  });
  meter.createObservableGauge(m.gpuUtilization.name, opts(m.gpuUtilization)).addCallback((r) => {
    // The sampler's figure covers the GPUs its backend reads: one hw.id per backend.
    if (latest?.gpuUtilPercent != null) {
      r.observe(latest.gpuUtilPercent / 100, { [ATTR.hwId]: `${latest.gpuBackend}`, [ATTR.hwType]: 'gpu' });
    }
  });
}

/** Instruments per (meter, names): made on first use with a real meter. */
const made = new WeakMap<Meter, Map<string, OperationInstruments>>();

function instrumentsFor(
  api: OtelApi,
  version: string,
  names: OperationMetricNames,
): OperationInstruments | null {
  const meter = api.metrics.getMeter(INSTRUMENTATION_NAME, version);
  if (meter === api.createNoopMeter()) return null;
  let byNames = made.get(meter);
  if (!byNames) {
    byNames = new Map();
    made.set(meter, byNames);
    observeResources(meter);
  }
  let instruments = byNames.get(names.version);
  if (!instruments) {
    instruments = operationInstruments(meter, names);
    byNames.set(names.version, instruments);
  }
  return instruments;
}

/** Makes the resource gauges exist as soon as a meter provider is there (before any operation). */
export function ensureResourceMetrics(api: OtelApi, version: string, names: OperationMetricNames): void {
  instrumentsFor(api, version, names);
}

/** Records a finished operation's metrics; `attrs` are the GenAI attributes every one carries. */
export function recordOperationMetrics(
  api: OtelApi,
  version: string,
  names: OperationMetricNames,
  record: OperationRecord,
  attrs: Attributes,
): void {
  const i = instrumentsFor(api, version, names);
  if (!i) return;
  i.duration.record(record.duration_seconds, attrs);
  if (record.time_to_first_token_seconds !== null)
    i.timeToFirstChunk.record(record.time_to_first_token_seconds, attrs);
  if (record.inter_token_latency_seconds !== null)
    i.timePerOutputChunk.record(record.inter_token_latency_seconds, attrs);
  for (const [tokens, type, histo, usage] of [
    [record.input_tokens, 'input', i.inputTokens, i.inputTokensUsage],
    [record.output_tokens, 'output', i.outputTokens, i.outputTokensUsage],
  ] as const) {
    if (tokens === null) continue;
    i.tokenUsage?.record(tokens, { ...attrs, [ATTR.tokenType]: type });
    histo?.record(tokens, attrs);
    // The conventions break usage down by modality; llmmon does not know it.
    usage?.add(tokens, { ...attrs, [ATTR.tokenModality]: 'unknown' });
  }
  if (record.peak_memory_mb !== null) i.peakMemory.record(record.peak_memory_mb * BYTES_PER_MB, attrs);
  if (record.cpu_time_seconds !== null) i.cpuTime.add(record.cpu_time_seconds, attrs);
  if (record.status === 'error') i.errors.add(1, attrs);
}
