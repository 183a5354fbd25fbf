import type { SamplerOptions } from './types.js';

/** Validated options, in milliseconds. */
export interface ResolvedOptions {
  intervalMs: number;
  threadIntervalMs: number;
  systemIntervalMs: number;
  timelineCapacity: number;
  gpuIntervalMs: number;
}

const KNOWN = new Set([
  'intervalMs',
  'threadIntervalMs',
  'systemIntervalMs',
  'gpuIntervalMs',
  'timelineCapacity',
]);

const INTERVAL_MIN_MS = 0.1;
const INTERVAL_MAX_MS = 1000;
const SLOW_INTERVAL_MAX_MS = 60_000;
/** The GPU loop: NVML's fastest utilisation period is 1/6 s; faster than 10 ms only costs CPU. */
const GPU_INTERVAL_MIN_MS = 10;
const GPU_INTERVAL_MAX_MS = 1000;
const TIMELINE_CAPACITY_MAX = 10_000_000;

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function number(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number, got ${typeof value} ${show(value)}`);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${show(value)}`);
  }
  return value;
}

/**
 * Checks `new Sampler(options)`'s argument. Throws a `TypeError` (wrong type, unknown option)
 * or a `RangeError` (out of range) whose message names the option.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option ${show(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  const o = options as SamplerOptions;
  const intervalMs = number('intervalMs', o.intervalMs, 1, INTERVAL_MIN_MS, INTERVAL_MAX_MS);
  const threadIntervalMs = number(
    'threadIntervalMs',
    o.threadIntervalMs,
    Math.max(10, intervalMs),
    intervalMs,
    SLOW_INTERVAL_MAX_MS,
  );
  const systemIntervalMs = number(
    'systemIntervalMs',
    o.systemIntervalMs,
    Math.max(100, intervalMs),
    intervalMs,
    SLOW_INTERVAL_MAX_MS,
  );
  const timelineCapacity = number('timelineCapacity', o.timelineCapacity, 65_536, 1, TIMELINE_CAPACITY_MAX);
  if (!Number.isInteger(timelineCapacity)) {
    throw new RangeError(`timelineCapacity must be an integer, got ${timelineCapacity}`);
  }
  const gpuIntervalMs = number(
    'gpuIntervalMs',
    o.gpuIntervalMs,
    100,
    GPU_INTERVAL_MIN_MS,
    GPU_INTERVAL_MAX_MS,
  );
  return { intervalMs, threadIntervalMs, systemIntervalMs, timelineCapacity, gpuIntervalMs };
}
