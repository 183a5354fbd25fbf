/**
 * Markdown building blocks of the report: tables and number formats. Pure functions, so the
 * report's shape is tested without running a benchmark.
 */
import type { Spread } from '../lib/stats.js';

/** Placeholder for a value that was not measured or does not apply. */
export const NA = '—';

/**
 * A Markdown table. `align` per column: 'l' (default for the first column) or 'r' (default for
 * the others). Cells are escaped for `|` and newlines. `pad`: columns padded to one width, as
 * Biome formats Markdown (for tables written into files it checks).
 * @example table(['tool', 'caught'], [['psutil', '50 %']]) // '| tool | caught |\n| :--- | ---: |\n| psutil | 50 % |'
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
  pad = false,
): string {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const a = header.map((_, i) => align?.[i] ?? (i === 0 ? 'l' : 'r'));
  for (const [i, row] of rows.entries()) {
    if (row.length !== header.length) {
      throw new Error(`table: row ${i} has ${row.length} cells, the header ${header.length}`);
    }
  }
  if (pad) {
    // Biome's Markdown formatting: every cell padded to its column's width (in characters), the
    // separator filled with dashes, so a generated table in a checked file passes `biome check`.
    const cells = [header, ...rows].map((r) => r.map(cell));
    const width = a.map((_, i) => Math.max(3, ...cells.map((r) => [...r[i]!].length)));
    const line = (r: readonly string[]) =>
      `| ${r.map((c, i) => c + ' '.repeat(width[i]! - [...c].length)).join(' | ')} |`;
    const rule = a.map((x, i) =>
      x === 'l' ? `:${'-'.repeat(width[i]! - 1)}` : `${'-'.repeat(width[i]! - 1)}:`,
    );
    return [line(cells[0]!), `| ${rule.join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
  }
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${a.map((x) => (x === 'l' ? ':---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** A number with `digits` decimals; NA for null/NaN. Large values get thousands separators. */
export function num(x: number | null | undefined, digits = 1): string {
  if (x == null || !Number.isFinite(x)) return NA;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A number with about three significant digits (0.000123, 1.23, 12.3, 1,234). */
export function sig(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return NA;
  const a = Math.abs(x);
  if (a === 0) return '0';
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - Math.floor(Math.log10(a)));
  return num(x, digits);
}

/** "median [p25–p75]" of a spread, each through `f`; NA when empty. */
export function spreadCell(s: Spread | null | undefined, f: (x: number) => string = sig): string {
  if (!s || s.n === 0 || s.median === null) return NA;
  if (s.n < 3 || s.p25 === null || s.p75 === null) {
    return s.n === 1 ? `${f(s.median)} (1 run)` : `${f(s.median)} [${f(s.min!)}–${f(s.max!)}]`;
  }
  return `${f(s.median)} [${f(s.p25)}–${f(s.p75)}]`;
}

/** A ratio as "12×", "1.5×", "0.25×"; NA for null. */
export function times(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return NA;
  return `${sig(x)}×`;
}

/** A fraction as a percentage: 0.5 → "50 %". */
export function percent(x: number | null | undefined, digits = 0): string {
  if (x == null || !Number.isFinite(x)) return NA;
  return `${num(100 * x, digits)} %`;
}

/** Bytes in binary units (KiB, MiB, GiB: 2^10, 2^20, 2^30 — llmmon's MB is 2^20). */
export function bytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return NA;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sig(v)} ${units[u]}`;
}
