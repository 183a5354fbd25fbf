/** The per-model table `printSummary()` prints. */
import type { ModelStats } from './schema/stats.js';

const COLUMNS: [header: string, key: keyof ModelStats, digits: number][] = [
  ['ops', 'operations', 0],
  ['errors', 'errors', 0],
  ['avg s', 'avg_duration_seconds', 3],
  ['p50 s', 'p50_duration_seconds', 3],
  ['p95 s', 'p95_duration_seconds', 3],
  ['avg CPU %', 'avg_cpu_percent', 1],
  ['peak CPU %', 'peak_cpu_percent', 1],
  ['avg mem MB', 'avg_memory_mb', 1],
  ['peak mem MB', 'peak_memory_mb', 1],
  ['chars/s', 'throughput_chars_per_sec', 1],
  ['ops/min', 'ops_per_minute', 1],
  ['tok/s', 'avg_tokens_per_sec', 1],
  ['TTFT s', 'avg_time_to_first_token_seconds', 3],
];

const fmt = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** Lays out rows as aligned columns: the first column left-aligned, the others right-aligned. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return '';
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** The model comparison as an aligned text table ("—" where a value is unknown). */
export function formatModelTable(models: Readonly<Record<string, ModelStats>>): string {
  const rows = [['model', ...COLUMNS.map(([h]) => h)]];
  for (const [model, s] of Object.entries(models)) {
    rows.push([model, ...COLUMNS.map(([, key, digits]) => fmt(s[key], digits))]);
  }
  return alignColumns(rows);
}
