/**
 * The result file of the dashboard's render measurement (`pnpm --filter @llmmon/dashboard perf`,
 * `packages/dashboard/perf/render.ts`), which the comparison suite reads back instead of
 * rendering everything a second time.
 */

/** Result files are `perf/results/<prefix><time>.json` in the dashboard package. */
export const RENDER_RESULT_PREFIX = 'render-';

/** One run size. */
export interface RenderRow {
  operations: number;
  samples: number;
  /** Bytes of the HTML file `createDashboard` wrote (app + embedded data). */
  html_bytes: number;
  /** Bytes of the metrics file it was made from. */
  metrics_json_bytes: number;
  create_dashboard_ms: number;
  /** The page's `llmmon:rendered` mark (ms since navigation start), one per fresh page. */
  first_render_ms: number[];
  first_render_median_ms: number;
  /** `page.goto` to the page reporting the mark, seen from the driver (median). */
  wall_median_ms: number;
}

export interface RenderResult {
  benchmark: 'dashboard static render';
  /** ISO 8601. */
  date: string;
  machine: { cpus: number; cpu_model: string | null; node: string };
  /** The browser's user agent. */
  browser: string;
  /** Fresh pages per size. */
  repeats: number;
  rows: RenderRow[];
  targets: Record<string, { target: number; value: number | null }>;
}
