/** Plain-text output: aligned tables and short numbers for terminals and logs. */

const short = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4, useGrouping: false });

/** A number in four significant digits; null as an em dash (unknown, not zero). */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isInteger(value)) return String(value);
  return short.format(value);
}

/** A signed percentage of a relative change (0.146 → "+14.6%"). */
export function percent(value: number | null): string {
  if (value === null) return '—';
  const p = value * 100;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(Math.abs(p) < 10 ? 1 : 0)}%`;
}

/** One cell of any JSON value. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return num(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Columns aligned with two spaces between them; numbers (and `right` columns) right-aligned.
 * @example table(['model', 'p95'], [['tiny', '0.52']]) // "model  p95\n-----  ----\ntiny   0.52\n"
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right?: readonly boolean[],
): string {
  // A loop, not Math.max(...rows): spreading passes one argument per row and overflows the stack.
  const widths = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const isRight =
    right ??
    headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+−]?[\d.]+%?$|^—$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (isRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}
