/**
 * The run header: one per monitor session; the `runs` table. Host fields are null for files of
 * the original monitor, which did not record the machine.
 */
import type { z } from 'zod';
import { field, LIMITS, objectSchema } from './field.js';
import { ATTACHED_PROCESS_FIELDS } from './process.js';

export const GPU_FIELDS = {
  index: field.integer({ min: 0, description: 'Device index within its backend' }),
  id: field.textOrNull({ description: 'PCI bus id (NVML, DRM) or registry id (macOS)' }),
  name: field.text({ description: 'Device name as the driver reports it' }),
  vendor: field.textOrNull({ description: 'nvidia, amd, intel, apple, …' }),
  memory_total_mb: field.floatOrNull({ unit: 'MB', min: 0, description: 'Device memory' }),
  driver_version: field.textOrNull({ description: 'Driver version the backend reports' }),
  core_count: field.integerOrNull({ min: 0, description: 'GPU cores (NVIDIA CUDA cores, Apple GPU cores)' }),
} as const;

export const HOST_FIELDS = {
  hostname: field.textOrNull({ description: 'Machine host name' }),
  platform: field.textOrNull({ description: 'Node `process.platform` (linux, darwin, win32)' }),
  arch: field.textOrNull({ description: 'Node `process.arch`' }),
  cpu_model: field.textOrNull({ maxLength: LIMITS.textLength, description: 'CPU model name' }),
  cpu_count: field.integerOrNull({ min: 0, description: 'Logical CPUs available to the process' }),
  total_memory_mb: field.floatOrNull({ unit: 'MB', min: 0, description: 'Physical memory of the machine' }),
  node_version: field.textOrNull({ description: 'Node.js version' }),
  gpus: field.structListOrNull(GPU_FIELDS, { description: 'GPUs the GPU backend found' }),
} as const;

export const SAMPLER_INFO_FIELDS = {
  kind: field.enumOrNull(['native', 'js'], { description: 'Which sampler ran' }),
  interval_ms: field.floatOrNull({ unit: 'ms', min: 0, description: 'Requested sampling interval' }),
  idle_interval_ms: field.floatOrNull({
    unit: 'ms',
    min: 0,
    description:
      'Sampling interval while no operation is open (idle sampling; samples say which applied); null: one interval throughout',
  }),
  gpu_backend: field.enumOrNull(['nvml', 'drm', 'iokit', 'none'], { description: 'GPU counter source' }),
  gpu_interval_ms: field.floatOrNull({
    unit: 'ms',
    min: 0,
    description: 'How often the GPU and energy counters were read (null: JS sampler, none read)',
  }),
  energy_source: field.textOrNull({
    description: 'CPU energy counter source: `rapl` (Linux powercap), `darwin` (macOS), `none`',
  }),
  reason: field.textOrNull({
    maxLength: LIMITS.textLength,
    description: 'Why the native sampler or a counter is unavailable, if so',
  }),
} as const;

export const RUN_FIELDS = {
  id: field.id({ description: 'Run id (unique)' }),
  name: field.textOrNull({
    maxLength: LIMITS.textLength,
    description: 'Human name of the run (e.g. the `llmmon bench` config)',
  }),
  started_at: field.timestamp({ description: 'When the monitor started (ISO 8601)' }),
  ended_at: field.timestampOrNull({ description: 'When the file was written / the run closed' }),
  tags: field.jsonOrNull({ description: 'Free key/value tags' }),
  host: field.struct(HOST_FIELDS, { description: 'The machine the run measured' }),
  sampler: field.struct(SAMPLER_INFO_FIELDS, { description: 'How the run was sampled' }),
  attached: field.structListOrNull(ATTACHED_PROCESS_FIELDS, {
    description:
      'Other processes the run measured (a local model server): which, found how and by whom; null when none was asked for',
  }),
} as const;

export const RunSchema = objectSchema(RUN_FIELDS);
export type RunHeader = z.output<typeof RunSchema>;
export type RunHeaderInput = z.input<typeof RunSchema>;
export type HostInfo = RunHeader['host'];
export type SamplerInfo = RunHeader['sampler'];
export type GpuDevice = NonNullable<HostInfo['gpus']>[number];
export const RUN_COLUMNS = Object.keys(RUN_FIELDS) as (keyof typeof RUN_FIELDS)[];
