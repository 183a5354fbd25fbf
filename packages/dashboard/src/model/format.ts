/**
 * Number and value formatting for tables, axes and tooltips. Tables and axes state the unit in
 * their headers, so values are printed without it; tooltips use `withUnit`.
 */

/** About four significant figures (integers as they are), grouping for large values; "—" for null (not measured). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1000 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

const UNIT_SUFFIX: Record<string, string> = {
  percent: ' %',
  seconds: ' s',
  MB: ' MB',
  bytes: ' B',
  'chars/s': ' chars/s',
  'tokens/s': ' tokens/s',
  chars: ' chars',
  tokens: ' tokens',
  requests: ' requests',
  ms: ' ms',
  'ops/min': ' ops/min',
};

/** A value with its unit, for tooltips and findings: `1.23 s`, `85.0 %`, `512 MB`. */
export function withUnit(value: number | null | undefined, unit: string | undefined): string {
  if (value === null || value === undefined) return 'not measured';
  return `${formatNumber(value)}${unit ? (UNIT_SUFFIX[unit] ?? ` ${unit}`) : ''}`;
}

/** Short unit label for axis titles and table headers: `s`, `%`, `MB`. */
export function unitLabel(unit: string | undefined): string {
  if (!unit) return '';
  return unit === 'percent' ? '%' : unit === 'seconds' ? 's' : unit;
}

/** Seconds as a human duration: 850 ms, 12.3 s, 4 min 05 s, 1 h 02 min. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${formatNumber(seconds * 1000)} ms`;
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** ISO timestamp as local date and time to the second (or millisecond), or as given when it does not parse. */
export function formatTimestamp(
  iso: string | null | undefined,
  options: { milliseconds?: boolean } = {},
): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return options.milliseconds ? `${text}.${pad(d.getMilliseconds(), 3)}` : text;
}
