/** A timeline sample (downsampled from the sampler's ticks); the `samples` table. */
import type { z } from 'zod';
import { field, objectSchema } from './field.js';
import { MAX_GPU_PERCENT, PROCESS_SAMPLE_FIELDS } from './process.js';

export const SAMPLE_FIELDS = {
  t: field.float({
    bucket: 'max',
    unit: 'seconds',
    min: 0,
    description: 'Time since the run started',
  }),
  cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    description:
      'Process CPU over the interval ending at t (100 = one core): CPU time over the part of the interval that readings covered, so the timeline integrates to the process CPU time; null when no reading covered it',
  }),
  cpu_peak_percent: field.floatOrNull({
    bucket: 'max',
    unit: 'percent',
    min: 0,
    description:
      'Highest process CPU of one sampler reading interval (10 ms native, the timer interval in JS) that overlaps the point',
  }),
  rss_mb: field.float({
    bucket: 'max',
    unit: 'MB',
    min: 0,
    description: 'Resident set size at t (peak within the interval)',
  }),
  system_cpu_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: 100,
    description: 'Whole machine CPU at t',
  }),
  gpu_util_percent: field.floatOrNull({
    unit: 'percent',
    min: 0,
    max: MAX_GPU_PERCENT,
    description:
      "Highest GPU utilisation read in the interval: the devices this process uses (else all), every process's work, added over devices",
  }),
  gpu_memory_mb: field.floatOrNull({
    bucket: 'max',
    unit: 'MB',
    min: 0,
    description:
      "Highest GPU memory read in the interval: this process's where the backend lists it per process, else the devices' in use",
  }),
  gpu_power_watts: field.floatOrNull({
    bucket: 'max',
    unit: 'W',
    min: 0,
    description: 'Highest power the devices reported in the interval (NVML: a 1 s average on recent GPUs)',
  }),
  processes: field.structListOrNull(PROCESS_SAMPLE_FIELDS, {
    description: 'Attached processes (run header `attached`) in the interval; null when none is attached',
  }),
  tick_interval_ms: field.floatOrNull({
    bucket: 'max',
    unit: 'ms',
    min: 0,
    description:
      "Sampler tick interval over the point (the longest when it changed within): the fast one while an operation was open, the idle one between operations (native sampler's idle sampling); null when not known",
  }),
} as const;

export const SampleSchema = objectSchema(SAMPLE_FIELDS);
export type Sample = z.output<typeof SampleSchema>;
export type SampleInput = z.input<typeof SampleSchema>;
export const SAMPLE_COLUMNS = Object.keys(SAMPLE_FIELDS) as (keyof typeof SAMPLE_FIELDS)[];
