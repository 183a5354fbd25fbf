/**
 * The per-model table `printSummary()` prints: the shared summary columns (`SUMMARY_COLUMNS`), the
 * optional GPU, energy and server ones where a model has them.
 */
import type { ModelStats } from './schema/stats.js';
import { headerText, presentColumns, summaryCell } from './schema/summary.js';

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
  const columns = presentColumns(Object.values(models));
  const rows = [['model', ...columns.map(headerText)]];
  for (const [model, s] of Object.entries(models)) {
    rows.push([model, ...columns.map((c) => summaryCell(c, s[c.key]))]);
  }
  return alignColumns(rows);
}
