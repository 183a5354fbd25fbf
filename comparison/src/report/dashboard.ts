/** Report section of scenario 6 (dashboard). */
import type { DashboardData } from '../scenarios/dashboard.js';
import { bytes, num, spreadCell, table } from './markdown.js';

export function dashboardSection(d: DashboardData): string {
  const rows = d.rows.map((r) => [
    num(r.operations, 0),
    bytes(r.html_bytes),
    num(r.html_bytes_per_operation, 0),
    bytes(r.metrics_json_bytes),
    `${num(r.html_to_metrics, 2)}×`,
    num(r.create_dashboard_ms, 0),
    spreadCell(r.first_render_ms, (x) => num(x, 0)),
  ]);
  return [
    "From `@llmmon/dashboard`'s own measurement (`" +
      d.source +
      `\`, written ${d.written}): \`createDashboard\` writes the static single-file HTML of a seeded synthetic run; ` +
      `headless Chromium (${d.browser ?? 'Debian'}) opens it from file:// ${d.repeats ?? 'several'} times in fresh ` +
      "pages. **First render** = the page's `llmmon:rendered` mark: HTML parsed, data decoded, statistics " +
      'computed, every chart and the table drawn (ms since navigation start, median [p25–p75]). The original ' +
      "monitor's dashboard cannot be run here (it was a Python/plotly script), so there is no side-by-side " +
      'comparator: the ratio shown is the HTML against the metrics JSON file it embeds.',
    '',
    table(
      [
        'operations',
        'HTML',
        'HTML bytes per operation',
        'metrics JSON',
        'HTML ÷ metrics JSON',
        'createDashboard, ms',
        'first render, ms',
      ],
      rows,
    ),
  ].join('\n');
}
