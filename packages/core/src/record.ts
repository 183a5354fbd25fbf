/**
 * Turning one operation's measurements into its record. Pure: every value is either computed
 * from a measurement or null, with the formulas of packages/core/README.md ("What is measured").
 */

import {
  type AttachedTarget,
  finite,
  mb,
  processFigures,
  serverFields,
  sumOrNull,
} from './record-processes.js';
import type { SamplerKind, WindowStats } from './sampler/types.js';
import type { OperationRecord } from './schema/operation.js';
import { tokenRates } from './schema/token-rates.js';

export interface NetworkCounts {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface Measurements {
  modelName: string;
  operation: string;
  textLength: number;
  startedAt: Date;
  durationSeconds: number;
  /** Seconds from start to the first token (first chunk), when known. */
  firstTokenSeconds: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  window: WindowStats;
  sampler: SamplerKind;
  gpuAvailable: boolean;
  /** The processes the monitor had attached when the operation started. */
  attached: readonly AttachedTarget[];
  network: NetworkCounts | null;
  /** Set when the operation failed: the thrown value. */
  failed: { error: unknown } | null;
  metadata: Record<string, unknown> | null;
}

/**
 * The window's energy: the GPUs' counters, the CPU package, every other machine channel (DRAM,
 * Apple's ANE) and their sum; this process's own counter (macOS) apart, since the package's
 * figure already holds it.
 */
function energyFields(w: WindowStats) {
  const gpu = finite(w.gpu?.energy_joules);
  const machine = w.energy.filter((e) => e.scope !== 'process').map((e) => finite(e.joules));
  const own = w.energy.find((e) => e.scope === 'process');
  return {
    gpu_energy_joules: gpu,
    cpu_energy_joules: finite(w.cpu_energy_joules),
    process_energy_joules: finite(own?.joules),
    energy_joules: sumOrNull([gpu, ...machine]),
  };
}

/** One line for a thrown value: `TypeError: message` for errors, the string form otherwise. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    return String(error);
  }
}

/** The record of one finished operation; `run_id` and `seq` are set by the monitor. */
export function buildRecord(m: Measurements): OperationRecord {
  const w = m.window;
  const duration = m.durationSeconds;
  const ttft = finite(m.firstTokenSeconds);
  const cpuPercent = w.wall_seconds > 0 ? (w.cpu_seconds / w.wall_seconds) * 100 : null;
  const energy = energyFields(w);
  const gpu = w.gpu;
  const processes = processFigures(w, m.attached, m.sampler);
  return {
    timestamp: m.startedAt.toISOString(),
    model_name: m.modelName,
    operation: m.operation,
    text_length: m.textLength,
    duration_seconds: duration,
    throughput_chars_per_sec: duration > 0 ? m.textLength / duration : null,
    cpu_delta_percent: finite(cpuPercent),
    memory_delta_mb: mb(w.rss_end_bytes - w.rss_start_bytes),
    peak_memory_mb: mb(w.rss_peak_bytes),
    peak_cpu_percent: finite(w.peak_cpu_percent),
    system_cpu_percent: finite(w.system_cpu_percent),
    system_memory_percent: finite(w.system_memory_percent),
    gpu_available: m.gpuAvailable,
    run_id: null,
    seq: null,
    status: m.failed ? 'error' : 'ok',
    error: m.failed ? describeError(m.failed.error) : null,
    cpu_time_seconds: finite(w.cpu_seconds),
    avg_cpu_percent: finite(cpuPercent),
    rss_start_mb: mb(w.rss_start_bytes),
    rss_end_mb: mb(w.rss_end_bytes),
    threads: w.threads,
    input_tokens: m.inputTokens,
    output_tokens: m.outputTokens,
    time_to_first_token_seconds: ttft,
    ...tokenRates(duration, ttft, m.outputTokens),
    gpu_util_avg_percent: finite(gpu?.util_avg_percent),
    gpu_util_peak_percent: finite(gpu?.util_peak_percent),
    gpu_memory_peak_mb: mb(gpu?.memory_peak_bytes),
    net_requests: m.network ? m.network.requests : null,
    net_bytes_sent: m.network ? m.network.bytesSent : null,
    net_bytes_received: m.network ? m.network.bytesReceived : null,
    gpu_memory_scope: gpu?.memory_scope ?? null,
    gpu_process_util_avg_percent: finite(gpu?.process_util_avg_percent),
    gpu_process_util_peak_percent: finite(gpu?.process_util_peak_percent),
    gpu_busy_seconds: finite(gpu?.busy_seconds),
    gpu_energy_joules: energy.gpu_energy_joules,
    gpu_throttled: gpu?.throttled ?? null,
    cpu_energy_joules: energy.cpu_energy_joules,
    process_energy_joules: energy.process_energy_joules,
    energy_joules: energy.energy_joules,
    joules_per_output_token:
      energy.energy_joules !== null && m.outputTokens !== null && m.outputTokens > 0
        ? finite(energy.energy_joules / m.outputTokens)
        : null,
    processes,
    ...serverFields(processes, duration),
    sample_count: w.sample_count,
    sampler: m.sampler,
    metadata: m.metadata,
  };
}
