import type { SamplerOptions, TargetSpec } from './types.js';

/** Validated options, in milliseconds. */
export interface ResolvedOptions {
  intervalMs: number;
  threadIntervalMs: number;
  systemIntervalMs: number;
  timelineCapacity: number;
  gpuIntervalMs: number;
  idleIntervalMs: number;
  targets: Required<TargetSpec>[];
}

const KNOWN = new Set([
  'targets',
  'intervalMs',
  'threadIntervalMs',
  'systemIntervalMs',
  'gpuIntervalMs',
  'timelineCapacity',
  'idleIntervalMs',
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

/** Linux's highest possible pid (PID_MAX_LIMIT, 2^22); macOS stays below 100,000. */
const PID_MAX = 4_194_304;

/**
 * Checks one process to attach: a pid or `{ pid, role }`. `name` is what the message calls it.
 * Throws a `TypeError` (wrong type) or `RangeError` (not a pid, or this process's own).
 */
export function resolveTarget(value: unknown, name = 'target'): Required<TargetSpec> {
  const spec = typeof value === 'number' ? { pid: value } : value;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
    throw new TypeError(
      `${name} must be a pid or { pid, role }, got ${spec === null ? 'null' : typeof spec}`,
    );
  const { pid, role, ...rest } = spec as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new TypeError(`${name}: unknown key ${show(unknown[0])} (known: pid, role)`);
  if (typeof pid !== 'number')
    throw new TypeError(`${name}.pid must be a number, got ${typeof pid} ${show(pid)}`);
  if (!Number.isInteger(pid) || pid < 1 || pid > PID_MAX)
    throw new RangeError(`${name}.pid must be an integer between 1 and ${PID_MAX}, got ${show(pid)}`);
  if (pid === process.pid)
    throw new RangeError(`${name}.pid ${pid} is this process: its figures are every window's own`);
  if (role !== undefined && typeof role !== 'string')
    throw new TypeError(`${name}.role must be a string, got ${typeof role} ${show(role)}`);
  return { pid, role: role ?? '' };
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
  const idleIntervalMs = number('idleIntervalMs', o.idleIntervalMs, intervalMs, intervalMs, INTERVAL_MAX_MS);
  if (o.targets !== undefined && !Array.isArray(o.targets))
    throw new TypeError(`targets must be an array of pids or { pid, role }, got ${typeof o.targets}`);
  const targets = (o.targets ?? []).map((t, i) => resolveTarget(t, `targets[${i}]`));
  return {
    intervalMs,
    threadIntervalMs,
    systemIntervalMs,
    timelineCapacity,
    gpuIntervalMs,
    idleIntervalMs,
    targets,
  };
}
