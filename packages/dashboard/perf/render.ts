/**
 * `pnpm perf` (in packages/dashboard; the root `pnpm bench` runs it too): size and time to first render of the static dashboard
 * for runs of 1,000, 10,000 and 100,000 operations, in Debian's headless Chromium.
 *
 * - HTML size: bytes of the file `createDashboard` writes (app + embedded data).
 * - Time to first render: `performance.mark('llmmon:rendered')` of the page, in ms since
 *   navigation start. The app sets it once Svelte has mounted every view and two animation frames
 *   have passed (charts measure their containers, then draw): parsing the HTML, running the app,
 *   decoding the data, computing statistics and drawing every chart and the table are inside it.
 * - Wall: from `page.goto` to the page reporting that mark, seen from the test driver.
 * Each size is opened REPEATS times in a fresh page; medians are reported. Targets (issue 5):
 * ≤ 2,000 ms at 100,000 operations, ≤ 1 MB at 1,000. Results: perf/results/render-<time>.json.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '@llmmon/core/schema';
import { createDashboard } from '@llmmon/dashboard';
import { RENDER_RESULT_PREFIX, type RenderResult, type RenderRow, syntheticMetrics } from '@llmmon/testkit';
import { launchChromium, waitForRender } from '@llmmon/testkit/chromium';

const SIZES = (process.env.LLMMON_PERF_SIZES ?? '1000,10000,100000').split(',').map(Number);
const REPEATS = Number(process.env.LLMMON_PERF_REPEATS ?? 5);
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

const median = (xs: number[]) => quantile(xs, 0.5)!;

const browser = await launchChromium().catch((error: Error) => {
  console.error(`perf: ${error.message}`);
  process.exit(1);
});
const dir = await mkdtemp(path.join(tmpdir(), 'llmmon-perf-'));

const rows: RenderRow[] = [];
let browserVersion = '';
try {
  for (const n of SIZES) {
    const metrics = syntheticMetrics({ operations: n });
    const json = path.join(dir, `metrics_${n}.json`);
    await writeFile(json, JSON.stringify(metrics));
    const t0 = performance.now();
    const { path: html, url } = await createDashboard(json);
    const createMs = performance.now() - t0;
    const renders: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const start = performance.now();
      await page.goto(url);
      await waitForRender(page, 120_000);
      walls.push(performance.now() - start);
      renders.push(
        await page.evaluate(
          () => performance.getEntriesByName('llmmon:rendered')[0]?.startTime ?? Number.NaN,
        ),
      );
      browserVersion ||= await page.evaluate(() => navigator.userAgent);
      if (errors.length) throw new Error(`page errors at ${n} operations: ${errors.join('; ')}`);
      await page.close();
    }
    const row: RenderRow = {
      operations: n,
      samples: metrics.samples.length,
      html_bytes: (await stat(html)).size,
      metrics_json_bytes: (await stat(json)).size,
      create_dashboard_ms: Math.round(createMs),
      first_render_ms: renders.map((r) => Math.round(r)),
      first_render_median_ms: Math.round(median(renders)),
      wall_median_ms: Math.round(median(walls)),
    };
    rows.push(row);
    console.log(
      `${String(n).padStart(7)} operations: HTML ${(row.html_bytes / 1e6).toFixed(2)} MB` +
        ` (metrics file ${(row.metrics_json_bytes / 1e6).toFixed(1)} MB),` +
        ` first render ${row.first_render_median_ms} ms median of ${REPEATS} [${row.first_render_ms.join(', ')}],` +
        ` wall ${row.wall_median_ms} ms, createDashboard ${row.create_dashboard_ms} ms`,
    );
  }
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}

const byN = new Map(rows.map((r) => [r.operations, r]));
const targets = {
  first_render_100k_ms: { target: 2000, value: byN.get(100_000)?.first_render_median_ms ?? null },
  html_1k_bytes: { target: 1_000_000, value: byN.get(1000)?.html_bytes ?? null },
};
const result: RenderResult = {
  benchmark: 'dashboard static render',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? null, node: process.version },
  browser: browserVersion,
  repeats: REPEATS,
  rows,
  targets,
};
await mkdir(RESULTS, { recursive: true });
const out = path.join(RESULTS, `${RENDER_RESULT_PREFIX}${result.date.replace(/[:.]/g, '-')}.json`);
await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
for (const [k, t] of Object.entries(targets)) {
  const ok = t.value !== null && t.value <= t.target;
  console.log(`${k}: ${t.value ?? 'not measured'} (target ≤ ${t.target}) ${ok ? 'met' : 'NOT met'}`);
}
console.log(`results: ${out}`);
