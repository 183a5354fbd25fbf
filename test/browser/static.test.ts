/// <reference lib="dom" />
// page.evaluate() callbacks run in the page, so these files also see the DOM types.
/**
 * The static dashboard in a real browser: a file written by createDashboard, opened from
 * file:// in Debian's Chromium. Ground truth is the metrics file the test wrote: every count of
 * drawn marks and every CSV value is checked against it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type MetricsFile, type OperationRecord, quantile } from '@llmmon/core/schema';
import { createDashboard } from '@llmmon/dashboard';
import { originalRecord, syntheticMetrics } from '@llmmon/testkit';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launch, rendered, screenshot, type Watched, watchedPage } from './chromium.ts';

/** Waits for a value in the page; generous, because these tests share a loaded 2-core machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launch();
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-static-'));
});
afterAll(async () => {
  await browser?.close();
  // The 100,000-operation run alone leaves ~150 MB of metrics and HTML here.
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function dashboardOf(name: string, metrics: unknown): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(metrics));
  return (await createDashboard(file)).url;
}

async function open(url: string): Promise<Watched> {
  const w = await watchedPage(browser);
  await w.page.goto(url);
  await rendered(w.page);
  return w;
}

const count = (w: Watched, selector: string) => w.page.locator(selector).count();
/** Requests other than the file itself and inline data: every one would be network. */
const network = (w: Watched, self: string) =>
  w.requests.filter((u) => u !== self && !u.startsWith('data:') && !u.startsWith('blob:'));

/** What the counted statistics cover (core's rule): succeeded, not warm-up or load. */
const counted = (r: OperationRecord) =>
  r.status !== 'error' && r.operation !== 'warmup' && r.operation !== 'load';

describe('static dashboard (file://)', () => {
  const metrics = syntheticMetrics({ operations: 300, errorRate: 0.03 });
  let url: string;
  let w: Watched;

  beforeAll(async () => {
    url = await dashboardOf('metrics_20240501_120000', metrics);
    w = await open(url);
  });

  it('opens with no console error and no network request at all', async () => {
    expect(w.errors).toEqual([]);
    expect(network(w, url)).toEqual([]);
    expect(await w.page.title()).toBe('synthetic · llmmon');
    await screenshot(w.page, 'static-1280');
  });

  it('draws one bar and one whisker per model in each of the six per-model charts', async () => {
    const models = [...new Set(metrics.operations.map((o) => o.model_name))];
    for (const id of ['duration', 'memory', 'cpu', 'throughput', 'tokens', 'ttft']) {
      const chart = w.page.locator(`[data-chart="chart-${id}"]`);
      expect(await chart.locator('.mark.bar').count(), id).toBe(models.length);
      expect(await chart.locator('.mark.whisker').count(), id).toBe(models.length);
    }
    // The bars are in the models' order, labelled on the axis.
    const labels = await w.page
      .locator('[data-chart="chart-duration"] .axis-y text')
      .evaluateAll((els) => els.map((e) => e.lastChild?.textContent)); // the label, not its <title>
    expect(labels).toEqual(models);
  });

  it('draws the bar lengths in proportion to the mean durations, the whiskers at p50 and p95', async () => {
    const chart = w.page.locator('[data-chart="chart-duration"]');
    const widths = await chart
      .locator('.mark.bar')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
    // The x axis starts at 0, so positions are in proportion to the values.
    const whiskers = await chart
      .locator('.mark.whisker line:first-child')
      .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('x1')), Number(e.getAttribute('x2'))]));
    const durations = [...new Set(metrics.operations.map((o) => o.model_name))].map((m) =>
      metrics.operations.filter((o) => o.model_name === m && counted(o)).map((o) => o.duration_seconds),
    );
    const means = durations.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
    for (let i = 1; i < means.length; i++) {
      expect(widths[i]! / widths[0]!).toBeCloseTo(means[i]! / means[0]!, 2);
    }
    durations.forEach((d, i) => {
      const [p50, p95] = whiskers[i]!;
      expect(p50! / widths[i]!).toBeCloseTo(quantile(d, 0.5)! / means[i]!, 2);
      expect(p95! / widths[i]!).toBeCloseTo(quantile(d, 0.95)! / means[i]!, 2);
    });
  });

  it('labels each bar with its model and value in the unit, for screen readers', async () => {
    const labels = await w.page
      .locator('[data-chart="chart-memory"] .mark.bar')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const models = [...new Set(metrics.operations.map((o) => o.model_name))];
    expect(labels).toHaveLength(models.length);
    labels.forEach((label, i) => {
      expect(label).toMatch(new RegExp(`^${models[i]}: [\\d,.]+ MB$`));
    });
    expect(await w.page.locator('[data-chart="chart-memory"] svg').first().getAttribute('aria-label')).toBe(
      'Peak memory by model, in MB',
    );
  });

  it('draws one point and one timeline span per operation, hollow where it failed', async () => {
    expect(await count(w, '[data-chart="chart-over-time"] .mark.point')).toBe(metrics.operations.length);
    expect(await count(w, '[data-chart="chart-timeline"] .mark.span')).toBe(metrics.operations.length);
    const failed = metrics.operations.filter((o) => o.status === 'error').length;
    expect(failed).toBeGreaterThan(0);
    expect(await count(w, '[data-chart="chart-over-time"] .mark.point[fill="#fff"]')).toBe(failed);
  });

  it('names the operation under the pointer on the timeline, and what ran at that moment on a strip', async () => {
    const longest = metrics.operations.reduce((a, b) => (b.duration_seconds > a.duration_seconds ? b : a));
    const span = w.page
      .locator('[data-chart="chart-timeline"] .mark.span')
      .nth(metrics.operations.indexOf(longest));
    await span.scrollIntoViewIfNeeded();
    const box = (await span.boundingBox())!;
    const x = box.x + box.width / 2;
    await w.page.mouse.move(x, box.y + box.height / 2);
    const tip = w.page.locator('[data-chart="chart-timeline"] .tooltip');
    await poll(() => tip.textContent()).toContain(
      `${longest.model_name} · ${longest.operation} · seq ${longest.seq}`,
    );
    const strip = (await w.page.locator('[data-chart="chart-timeline"] [data-panel="cpu"]').boundingBox())!;
    await w.page.mouse.move(x, strip.y + strip.height / 2);
    await poll(() => tip.textContent()).toContain(
      `running: ${longest.model_name} ${longest.operation} #${longest.seq}`,
    );
    await w.page.mouse.move(0, 0);
  });

  it('draws the sampler’s CPU, RSS and system CPU as lines (no GPU line: none measured)', async () => {
    const lines = await w.page
      .locator('[data-chart="chart-timeline"] .mark.line')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-label'), Number(e.getAttribute('data-points'))]),
      );
    expect(lines.map(([l]) => l)).toEqual(['process CPU', 'RSS', 'system CPU']);
    for (const [, n] of lines) {
      expect(n).toBeGreaterThan(100);
      expect(n).toBeLessThanOrEqual(metrics.samples.length);
    }
  });

  it('shows the threads of the selected operation, and another operation’s when one is clicked', async () => {
    const withThreads = metrics.operations.filter((o) => o.threads?.length);
    const longest = withThreads.reduce((a, b) => (b.duration_seconds > a.duration_seconds ? b : a));
    const chart = w.page.locator('[data-chart="chart-threads"]');
    expect(await chart.locator('.mark.bar').count()).toBe(longest.threads!.length);
    await poll(() => chart.locator('.subtitle').textContent()).toContain(`seq ${longest.seq}`);
    await w.page.locator('[data-table="operations"] tbody tr[data-seq="10"]').click();
    await poll(() => chart.locator('.subtitle').textContent()).toContain('seq 10');
    const ten = metrics.operations.find((o) => o.seq === 10)!;
    expect(await chart.locator('.mark.bar').count()).toBe(ten.threads!.length);
  });

  it('has one summary row per model and every operation in the table', async () => {
    expect(await count(w, '[data-table="summary"] tbody tr')).toBe(3);
    expect(await w.page.locator('.row-count').getAttribute('data-rows')).toBe(
      String(metrics.operations.length),
    );
    // Virtualised: far fewer rows in the DOM than operations.
    expect(await count(w, '[data-table="operations"] tbody tr[data-seq]')).toBeLessThan(60);
  });

  it('shows a finding for the failed operations, with the figure', async () => {
    const errs = w.page.locator('[data-rule="errors"]');
    expect(await errs.count()).toBeGreaterThan(0);
    const model = metrics.operations.find((o) => o.status === 'error')!.model_name;
    const n = metrics.operations.filter((o) => o.model_name === model && o.status === 'error').length;
    const all = metrics.operations.filter((o) => o.model_name === model).length;
    await poll(() => w.page.locator('[data-rule="errors"]').allTextContents()).toContainEqual(
      expect.stringContaining(`${n} of ${all} operations`),
    );
  });

  it('downloads as CSV exactly the rows and columns the table shows (filtered, sorted)', async () => {
    const { page } = w;
    const model = metrics.operations[1]!.model_name;
    await page.locator('select[data-filter="model"]').selectOption(model);
    await page.locator('select[data-filter="status"]').selectOption('ok');
    await page.locator('[data-table="operations"] th[data-key="duration_seconds"] button').click(); // ascending
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('synthetic_operations.csv');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(2); // RFC 4180 line ends
    const csv = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(csv.errors).toEqual([]);

    const headers = await page
      .locator('[data-table="operations"] th[data-key]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(csv.meta.fields).toEqual(headers);

    const expected = metrics.operations
      .filter((o) => o.model_name === model && o.status === 'ok')
      .sort((a, b) => a.duration_seconds - b.duration_seconds);
    expect(await page.locator('.row-count').getAttribute('data-rows')).toBe(String(expected.length));
    expect(csv.data.map((r) => Number(r.seq))).toEqual(expected.map((o) => o.seq));
    expect(csv.data.map((r) => Number(r.duration_seconds))).toEqual(expected.map((o) => o.duration_seconds));
    expect(new Set(csv.data.map((r) => r.model_name))).toEqual(new Set([model]));
    const domSeqs = await page
      .locator('[data-table="operations"] tbody tr[data-seq]')
      .evaluateAll((els) => els.slice(0, 5).map((e) => Number(e.getAttribute('data-seq'))));
    expect(domSeqs).toEqual(expected.slice(0, 5).map((o) => o.seq));
    await screenshot(page, 'static-filtered');
  });

  it('fits a narrow (390 px) screen without sideways scrolling of the page', async () => {
    const narrow = await watchedPage(browser);
    await narrow.page.setViewportSize({ width: 390, height: 844 });
    await narrow.page.goto(url);
    await rendered(narrow.page);
    const overflow = await narrow.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await narrow.page.locator('[data-chart="chart-over-time"] .mark.point').count()).toBe(
      metrics.operations.length,
    );
    expect(narrow.errors).toEqual([]);
    await screenshot(narrow.page, 'static-390');
  });
});

describe('static dashboard with 100,000 operations', () => {
  it('renders: canvas charts with marks on them, every operation reachable in the table', async () => {
    const metrics = syntheticMetrics({ operations: 100_000 });
    const url = await dashboardOf('metrics_100k', metrics);
    const w = await watchedPage(browser);
    await w.page.goto(url);
    await rendered(w.page, 120_000);
    expect(w.errors).toEqual([]);
    expect(network(w, url)).toEqual([]);
    for (const chart of ['chart-over-time', 'chart-timeline']) {
      const holder = w.page.locator(`[data-chart="${chart}"] [data-renderer]`);
      expect(await holder.getAttribute('data-renderer')).toBe('canvas');
      // Painted pixels on the canvas: the marks are there.
      const painted = await holder.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      });
      expect(painted, chart).toBeGreaterThan(5000);
    }
    expect(await w.page.locator('.row-count').getAttribute('data-rows')).toBe('100000');
    const scroller = w.page.locator('[data-section="operations"] .table-scroll.virtual');
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await poll(() =>
      w.page.locator('[data-table="operations"] tbody tr[data-seq]').last().getAttribute('data-seq'),
    ).toBe('99999');
    await screenshot(w.page, 'static-100k');
  }, 240_000); // generating, validating and writing 100,000 operations takes a while on a loaded 2-core machine
});

describe('static dashboard states', () => {
  it('shows text that could close the data block as text, and runs none of it', async () => {
    const metrics: MetricsFile = syntheticMetrics({ operations: 12 });
    metrics.run.name = '</script><script>window.__pwned = 1</script>';
    for (const o of metrics.operations)
      if (o.seq === 0) o.model_name = '<img src=x onerror="window.__pwned=2">';
    const url = await dashboardOf('nasty', metrics);
    const w = await open(url);
    expect(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await w.page.locator('h1').first().textContent()).toBe(metrics.run.name);
    expect(await w.page.locator('[data-table="summary"] tbody tr').first().getAttribute('data-model')).toBe(
      '<img src=x onerror="window.__pwned=2">',
    );
    expect(w.errors).toEqual([]);
    expect(network(w, url)).toEqual([]);
  });

  it('says what an original-monitor file lacks, and still draws what it has', async () => {
    const original = Array.from({ length: 12 }, (_, i) =>
      originalRecord({
        timestamp: `2024-05-01T12:00:${String(i * 2).padStart(2, '0')}.000000`,
        model_name: i % 2 ? 'llama2' : 'mistral',
        text_length: 100 + i,
        duration_seconds: 0.5 + i / 10,
        throughput_chars_per_sec: (100 + i) / (0.5 + i / 10),
        cpu_delta_percent: 80,
        memory_delta_mb: 1,
        peak_memory_mb: 512 + i,
        peak_cpu_percent: 120,
        system_cpu_percent: 35,
        system_memory_percent: 60,
      }),
    );
    const url = await dashboardOf('metrics_original', { metrics: original });
    const w = await open(url);
    expect(w.errors).toEqual([]);
    expect(await count(w, '[data-topic="original-file"]')).toBe(1);
    expect(await count(w, '[data-chart="chart-duration"] .mark.bar')).toBe(2);
    expect(await count(w, '[data-chart="chart-tokens"][data-empty="true"]')).toBe(1);
    expect(await count(w, '[data-chart="chart-threads"][data-empty="true"]')).toBe(1);
    expect(await count(w, '[data-chart="chart-timeline"] .mark.span')).toBe(12);
    expect(await count(w, '[data-chart="chart-timeline"] .mark.line')).toBe(0);
    await screenshot(w.page, 'static-original');
  });

  it('says when the JS fallback sampler measured the run, and that it has no samples or threads', async () => {
    const url = await dashboardOf(
      'metrics_js',
      syntheticMetrics({ operations: 30, sampler: 'js', samples: 0 }),
    );
    const w = await open(url);
    expect(w.errors).toEqual([]);
    expect(await count(w, '[data-topic="js-sampler"]')).toBe(1);
    expect(await count(w, '[data-topic="no-samples"]')).toBe(1);
    expect(await count(w, '[data-note="no-samples"]')).toBe(1);
    expect(await w.page.locator('[data-chart="chart-threads"] .empty-note').textContent()).toMatch(
      /JavaScript fallback sampler/,
    );
  });

  it('names a model whose operations all failed, in the notes and on its bar', async () => {
    const metrics = syntheticMetrics({ operations: 30 });
    for (let i = 0; i < 3; i++) {
      metrics.operations.push({
        ...metrics.operations[10]!,
        seq: 100 + i,
        model_name: 'broken-model',
        status: 'error',
        error: 'out of memory',
      });
    }
    const w = await open(await dashboardOf('metrics_broken', metrics));
    expect(w.errors).toEqual([]);
    expect(await w.page.locator('[data-topic="only-errors"]').textContent()).toMatch(
      /broken-model: all 3 operations failed/,
    );
    expect(await w.page.locator('[data-chart="chart-duration"] .bar-note').textContent()).toBe(
      'all 3 operations failed',
    );
    expect(await count(w, '[data-rule="errors"]')).toBe(1);
  });

  it('says so when a run has no operations at all', async () => {
    const w = await open(
      await dashboardOf('metrics_empty', { ...syntheticMetrics({ operations: 3 }), operations: [] }),
    );
    expect(w.errors).toEqual([]);
    expect(await count(w, '[data-topic="no-operations"]')).toBe(1);
    expect(await count(w, '.chart-card')).toBe(0);
  });
});
