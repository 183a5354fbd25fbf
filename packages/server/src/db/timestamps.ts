/**
 * ISO 8601 strings ↔ DuckDB TIMESTAMPTZ microseconds, keeping microseconds (the original monitor
 * wrote Python's `isoformat()`, which has them; JS `Date` would drop them).
 *
 * Timestamps without an offset (the original monitor's naive local times) are read as local time
 * of this process, as `Date.parse` and core's statistics read them; the bulk JSON path does the
 * same through DuckDB's `TimeZone` setting, which the store sets to the process's zone.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Microseconds since the epoch of a timestamp that core's schema accepted.
 * @throws RangeError when the string is not such a timestamp
 * @example isoToMicros('2024-05-01T12:00:00.123456Z') // 1714564800123456n
 */
export function isoToMicros(iso: string): bigint {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not an ISO 8601 timestamp: ${JSON.stringify(iso)}`);
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = m;
  const fracMicros = BigInt(`${frac}000000`.slice(0, 6));
  // Set the fields one by one: `Date.UTC(y, …)` and `new Date(y, …)` read years 0–99 as 1900–1999.
  const date = new Date(0);
  let ms: number;
  if (zone) {
    date.setUTCFullYear(+y!, +mo! - 1, +d!);
    ms = date.setUTCHours(+h!, +mi!, +s, 0);
    if (zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
  } else {
    date.setFullYear(+y!, +mo! - 1, +d!);
    ms = date.setHours(+h!, +mi!, +s, 0);
  }
  return BigInt(ms) * 1000n + fracMicros;
}

/**
 * ISO 8601 in UTC: milliseconds like `Date.prototype.toISOString()`, microseconds when the value
 * has them.
 * @example microsToIso(1714564800123456n) // '2024-05-01T12:00:00.123456Z'
 */
export function microsToIso(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = Number(micros - ms * 1000n);
  const iso = new Date(Number(ms)).toISOString();
  return sub === 0 ? iso : `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z`;
}

/** ±8.64e15 ms: the range of JS `Date`, and so of `microsToIso`. */
const DATE_LIMIT_MICROS = 8_640_000_000_000_000_000n;

/** Whether `microsToIso` can write the instant (DuckDB's timestamps reach further, and `infinity`). */
export const inDateRange = (micros: bigint) => micros >= -DATE_LIMIT_MICROS && micros <= DATE_LIMIT_MICROS;

/** SQL expression: a TIMESTAMPTZ column as the same ISO string `microsToIso` gives. */
export function isoSql(column: string): string {
  const utc = `(${column} AT TIME ZONE 'UTC')`;
  return `CASE WHEN ${column} IS NULL THEN NULL WHEN microsecond(${column}) % 1000 = 0 THEN strftime(${utc}, '%Y-%m-%dT%H:%M:%S.%gZ') ELSE strftime(${utc}, '%Y-%m-%dT%H:%M:%S.%fZ') END`;
}

/** The IANA time zone of this process (what naive timestamps are read in). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
