/**
 * Scenario 6, dashboard: the static single-file dashboard with 1k / 10k / 100k operations — its
 * size and its time to first render in headless Chromium. `@llmmon/dashboard`'s own measurement
 * measures exactly this (`createDashboard` on a seeded synthetic run, Debian's Chromium through
 * playwright-core, the page's `llmmon:rendered` mark: HTML parsed, data decoded, statistics
 * computed, every chart and the table drawn); its newest result is reused here rather than
 * rendering everything twice.
 */
import { RENDER_RESULT_PREFIX, type RenderResult } from '@llmmon/testkit';
import { packageResult } from '../lib/package-results.js';
import { type Spread, spread } from '../lib/stats.js';

export interface DashboardRow {
  operations: number;
  html_bytes: number;
  metrics_json_bytes: number;
  /** HTML bytes ÷ metrics file bytes (the dashboard embeds the data packed by columns). */
  html_to_metrics: number;
  html_bytes_per_operation: number;
  create_dashboard_ms: number;
  first_render_ms: Spread;
}

export interface DashboardData {
  source: string;
  written: string;
  browser: string | null;
  repeats: number | null;
  rows: DashboardRow[];
}

export async function runDashboard(): Promise<DashboardData> {
  const r = packageResult<RenderResult>('@llmmon/dashboard', RENDER_RESULT_PREFIX);
  return {
    source: r.file,
    written: r.written,
    browser: r.data.browser,
    repeats: r.data.repeats,
    rows: r.data.rows.map((row) => ({
      operations: row.operations,
      html_bytes: row.html_bytes,
      metrics_json_bytes: row.metrics_json_bytes,
      html_to_metrics: row.html_bytes / row.metrics_json_bytes,
      html_bytes_per_operation: row.html_bytes / row.operations,
      create_dashboard_ms: row.create_dashboard_ms,
      first_render_ms: spread(row.first_render_ms),
    })),
  };
}
