/**
 * Other processes a run measures besides its own (a local model server: Ollama, llama-server,
 * vLLM, `llmmon bench --serve-openai`): what the run header says about each one it attached, what
 * one operation cost in each (`processes` of the operation record), and each one's line of the
 * timeline (`processes` of a sample). The sampler reads them on the same ticks and in the same
 * windows as its own process; how each figure is read is in `@llmmon/sampler-native`'s README.
 */
import type { z } from 'zod';
import { field, LIMITS, objectSchema } from './field.js';
import { THREAD_FIELDS } from './thread.js';

/**
 * Most GPUs a device-wide utilisation may add up over (100 % = one device busy): a limit that
 * refuses impossible values, far above any machine's count.
 */
export const MAX_GPU_DEVICES = 64;
export const MAX_GPU_PERCENT = 100 * MAX_GPU_DEVICES;

/** How a process to measure was named: a pid, a process name, or the TCP port it listens on. */
export const ATTACH_BY = ['pid', 'name', 'port'] as const;

/** The run header's `attached`: one entry per process the run attached (or tried to). */
export const ATTACHED_PROCESS_FIELDS = {
  pid: field.integerOrNull({ min: 1, description: 'Process id; null when no process was found' }),
  name: field.textOrNull({ description: 'Its name (Linux `comm`, macOS `p_comm`) when attached' }),
  role: field.textOrNull({ description: 'Role given when attaching (`server`, `runner`, …)' }),
  by: field.enumOrNull(ATTACH_BY, { description: 'What named it: pid, name or port' }),
  query: field.textOrNull({
    description: 'What was asked for: the pid, the name or the port, as given (`11434`, `ollama`)',
  }),
  source: field.textOrNull({
    description:
      'Who asked: `option` (LLMMonitor attach), `env` (LLMMON_ATTACH), or an adapter that found its loopback endpoint (`adapter:openai`, `adapter:ollama`)',
  }),
  exe: field.textOrNull({
    maxLength: LIMITS.textLength,
    description: 'Path of its executable; null when this user may not read it',
  }),
  reason: field.textOrNull({
    maxLength: LIMITS.textLength,
    description:
      'Why it could not be attached or measured (not found, another user, JS sampler); null when measured',
  }),
} as const;

/** Statuses of an attached process in one operation (the sampler's, plus `not_measured`). */
export const PROCESS_STATUSES = [
  'ok',
  'exited',
  'permission_denied',
  'not_found',
  'detached',
  'not_measured',
] as const;

const gpuPercent = (description: string) =>
  field.floatOrNull({ unit: 'percent', min: 0, max: MAX_GPU_PERCENT, description });

/** One attached process's figures over one operation (an entry of the record's `processes`). */
export const PROCESS_FIELDS = {
  pid: field.integer({ min: 1, description: 'Process id' }),
  name: field.textOrNull({ description: 'Its name when attached (Linux `comm`, macOS `p_comm`)' }),
  role: field.textOrNull({ description: 'Role given when attaching (`server` for a model server)' }),
  status: field.enumOrNull(PROCESS_STATUSES, {
    description:
      'ok; exited (its figures end at its last reading); permission_denied; not_found; detached (during the operation); not_measured (the JS sampler reads no other process)',
  }),
  reason: field.textOrNull({
    maxLength: LIMITS.textLength,
    description: 'Why figures are missing or end early; null when every figure was read',
  }),
  wall_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'Span its figures cover: the operation, or up to its last reading when it exited',
  }),
  cpu_time_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'CPU time of all its threads, exited ones too, during the operation',
  }),
  avg_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description: 'cpu_time_seconds ÷ wall_seconds × 100 (100 = one core busy)',
  }),
  peak_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description:
      'Highest CPU % over slices of at least 100 ms (another process is read by its scheduler counts)',
  }),
  rss_start_mb: field.floatOrNull({ unit: 'MB', min: 0, description: 'Its resident set size at the start' }),
  rss_end_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: 'Its resident set size at the end (or its last reading)',
  }),
  peak_memory_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: 'Its highest resident set size during the operation',
  }),
  threads: field.structListOrNull(THREAD_FIELDS, {
    description: 'Its threads by CPU time inside the operation, busiest first; null: unreadable',
  }),
  gpu_process_util_avg_percent: gpuPercent(
    'Its GPU utilisation: engine time ÷ wall time (DRM, Apple) or the mean of per-process samples (NVML)',
  ),
  gpu_memory_peak_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description:
      'Highest GPU memory seen: its own, or the devices in use where the backend cannot tell (gpu_memory_scope)',
  }),
  gpu_memory_scope: field.enumOrNull(['process', 'device'], {
    description: 'Whose GPU memory gpu_memory_peak_mb is: this process, or every process on its devices',
  }),
  gpu_busy_seconds: field.floatOrNull({
    unit: 'seconds',
    min: 0,
    description: 'Its GPU engine time (busiest engine per device); null where the API has none (NVML)',
  }),
  gpu_energy_joules: field.floatOrNull({
    unit: 'J',
    min: 0,
    description:
      'Energy counters of the GPUs it used: device-wide, shared by every process and operation on them',
  }),
  energy_joules: field.floatOrNull({
    unit: 'J',
    min: 0,
    description:
      'Its own energy counter (macOS `ri_energy_nj`); null where the OS counts none per process (Linux)',
  }),
} as const;

/** One attached process in one timeline sample (an entry of the sample's `processes`). */
export const PROCESS_SAMPLE_FIELDS = {
  pid: field.integer({ min: 1, description: 'Process id (run header `attached`)' }),
  cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description:
      'Its CPU over the time readings covered in the interval (100 = one core); integrates to its CPU time; null: unreadable',
  }),
  rss_mb: field.floatOrNull({
    unit: 'MB',
    min: 0,
    description: 'Its highest resident set size in the interval; null: unreadable',
  }),
} as const;

export const AttachedProcessSchema = objectSchema(ATTACHED_PROCESS_FIELDS);
export type AttachedProcess = z.output<typeof AttachedProcessSchema>;
export const ProcessFiguresSchema = objectSchema(PROCESS_FIELDS);
/** One attached process's figures over one operation. */
export type ProcessFigures = z.output<typeof ProcessFiguresSchema>;
export const ProcessSampleSchema = objectSchema(PROCESS_SAMPLE_FIELDS);
/** One attached process in one timeline sample. */
export type ProcessSample = z.output<typeof ProcessSampleSchema>;
