/**
 * The attached processes' part of an operation record: each process's figures from the sampler
 * window (`processes`), and the flat `server_*` sums over the processes whose role is `server`.
 * Pure; null wherever a figure was not read, with the reason beside it.
 */
import type { TargetWindowStats, WindowStats } from './sampler/types.js';
import { BYTES_PER_MB, LIMITS } from './schema/field.js';
import type { OperationRecord } from './schema/operation.js';
import { type ProcessFigures, ProcessFiguresSchema } from './schema/process.js';

/** A process the monitor attached, as an operation sees it when it starts. */
export interface AttachedTarget {
  pid: number;
  name: string | null;
  role: string | null;
}

/** A finite number, or null (NaN and ±Infinity never reach a record). */
export const finite = (x: number | null | undefined): number | null =>
  x !== null && x !== undefined && Number.isFinite(x) ? x : null;

/** Bytes as MB (2^20), or null. */
export const mb = (bytes: number | null | undefined) =>
  finite(bytes === null || bytes === undefined ? null : bytes / BYTES_PER_MB);

/** Text cut to the schema's limit for reasons (a record must validate whatever the OS said). */
export const clipReason = (text: string | null): string | null =>
  text === null || text.length <= LIMITS.textLength ? text : `${text.slice(0, LIMITS.textLength - 1)}…`;

/** Why an attached process has no figures in a window that does not list it. */
export const JS_SAMPLER_TARGETS = 'not measured: the JS sampler reads no other process';
const ATTACHED_LATER = 'not measured: attached after the operation started';

function figures(t: TargetWindowStats, role: string | null): ProcessFigures {
  const gpu = t.gpu;
  return {
    pid: t.pid,
    name: t.name,
    role,
    status: t.status,
    reason: clipReason(t.reason),
    wall_seconds: finite(t.wall_seconds),
    cpu_time_seconds: finite(t.cpu_seconds),
    avg_cpu_percent: finite(t.avg_cpu_percent),
    peak_cpu_percent: finite(t.peak_cpu_percent),
    rss_start_mb: mb(t.rss_start_bytes),
    rss_end_mb: mb(t.rss_end_bytes),
    peak_memory_mb: mb(t.rss_peak_bytes),
    threads: t.threads,
    gpu_process_util_avg_percent: finite(gpu?.process_util_avg_percent),
    gpu_memory_peak_mb: mb(gpu?.memory_peak_bytes),
    gpu_memory_scope: gpu?.memory_scope ?? null,
    gpu_busy_seconds: finite(gpu?.busy_seconds),
    gpu_energy_joules: finite(gpu?.energy_joules),
    energy_joules: finite(t.energy_joules),
  };
}

/** An attached process the window does not list: every figure null (the schema's default). */
function unmeasured(a: AttachedTarget, reason: string): ProcessFigures {
  return ProcessFiguresSchema.parse({
    pid: a.pid,
    name: a.name,
    role: a.role,
    status: 'not_measured',
    reason,
  });
}

/**
 * The figures of each process the monitor had attached when the operation started, from the
 * window's `targets` (which may list processes other monitors attached: they are left out);
 * null when it had none.
 */
export function processFigures(
  window: Pick<WindowStats, 'targets'>,
  attached: readonly AttachedTarget[],
  samplerKind: 'native' | 'js',
): ProcessFigures[] | null {
  if (attached.length === 0) return null;
  const byPid = new Map(window.targets.map((t) => [t.pid, t]));
  return attached.map((a) => {
    const t = byPid.get(a.pid);
    if (t) return figures(t, a.role);
    return unmeasured(a, samplerKind === 'js' ? JS_SAMPLER_TARGETS : ATTACHED_LATER);
  });
}

/** Sum of the non-null values; null when every one is null (or there are none). */
export function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

type ServerFields = Pick<
  OperationRecord,
  | 'server_cpu_time_seconds'
  | 'server_cpu_percent'
  | 'server_peak_memory_mb'
  | 'server_gpu_util_avg_percent'
  | 'server_gpu_memory_peak_mb'
  | 'server_gpu_busy_seconds'
  | 'server_energy_joules'
  | 'server_status'
  | 'server_reason'
>;

/** The role whose processes the flat `server_*` fields sum over. */
export const SERVER_ROLE = 'server';

/**
 * The flat `server_*` fields: sums over the processes whose role is `server`, each null when no
 * such process has that figure; status `ok` unless one of them is not, reasons joined.
 */
export function serverFields(
  processes: readonly ProcessFigures[] | null,
  durationSeconds: number,
): ServerFields {
  const servers = (processes ?? []).filter((p) => p.role === SERVER_ROLE);
  const sum = (pick: (p: ProcessFigures) => number | null) => sumOrNull(servers.map(pick));
  const cpu = sum((p) => p.cpu_time_seconds);
  const reasons = servers.filter((p) => p.reason !== null).map((p) => `${p.pid}: ${p.reason}`);
  return {
    server_cpu_time_seconds: cpu,
    server_cpu_percent: cpu !== null && durationSeconds > 0 ? finite((cpu / durationSeconds) * 100) : null,
    server_peak_memory_mb: sum((p) => p.peak_memory_mb),
    server_gpu_util_avg_percent: sum((p) => p.gpu_process_util_avg_percent),
    server_gpu_memory_peak_mb: sum((p) => p.gpu_memory_peak_mb),
    server_gpu_busy_seconds: sum((p) => p.gpu_busy_seconds),
    server_energy_joules: sum((p) => p.energy_joules),
    server_status: servers.length === 0 ? null : (servers.find((p) => p.status !== 'ok')?.status ?? 'ok'),
    server_reason: reasons.length ? clipReason(reasons.join('; ')) : null,
  };
}
