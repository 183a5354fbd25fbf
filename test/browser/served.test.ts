/// <reference lib="dom" />
// page.evaluate() callbacks run in the page, so these files also see the DOM types.
/**
 * The served dashboard against a real llmmon server on a real DuckDB file: runs list, run view,
 * comparison with the server's verdicts, model history, live updates after a POST, SQL console.
 * Ground truth is what the test posted.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MetricsFile, OperationRecord, RunHeader } from '@llmmon/core/schema';
import { OPERATION_COLUMNS } from '@llmmon/core/schema';
import { type RunningServer, startServer } from '@llmmon/server';
import { syntheticMetrics } from '@llmmon/testkit';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launch, rendered, screenshot, type Watched, watchedPage } from './chromium.ts';

/** Waits for a value in the page; generous, because these tests share a loaded 2-core machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

let browser: Browser;
let server: RunningServer;
let dir: string;
let w: Watched;

/** Baseline run, and a second run in which one model got 40 % slower. */
const base = syntheticMetrics({ operations: 240, seed: 1, errorRate: 0 });
base.run.tags = { ...(base.run.tags as object), concurrency: 1 };
const slowModel = base.operations[1]!.model_name;
const next: MetricsFile = (() => {
  const f = syntheticMetrics({
    operations: 240,
    seed: 2,
    errorRate: 0,
    startedAt: '2024-05-02T12:00:00.000Z',
  });
  for (const o of f.operations) if (o.model_name === slowModel) o.duration_seconds *= 1.4;
  f.run.tags = { ...(f.run.tags as object), concurrency: 2 };
  return f;
})();

async function post(pathname: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function go(hash: string) {
  await w.page.evaluate(() => delete document.documentElement.dataset.rendered);
  await w.page.goto(`${server.url}/${hash}`);
  await rendered(w.page);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-served-'));
  server = await startServer({ db: path.join(dir, 'llmmon.duckdb'), port: 0 });
  await post('/api/runs', base);
  await post('/api/runs', next);
  browser = await launch();
  w = await watchedPage(browser);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('served dashboard', () => {
  it('lists the stored runs, newest first', async () => {
    await go('#/');
    const ids = await w.page
      .locator('[data-table="runs"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')));
    expect(ids).toEqual([next.run.id, base.run.id]);
    const ops = await w.page.locator(`tr[data-run="${base.run.id}"] td.num`).nth(1).textContent();
    expect(ops).toBe(String(base.operations.length));
    // What tells the runs apart, under each name; the length is start to end of the run.
    expect(await w.page.locator(`tr[data-run="${next.run.id}"] [data-differs]`).textContent()).toBe(
      'concurrency 2',
    );
    await screenshot(w.page, 'served-runs');
  });

  it('shows a stored run with every chart, and links the server exports', async () => {
    await go(`#/runs/${base.run.id}`);
    expect(await w.page.locator('[data-chart="chart-over-time"] .mark.point').count()).toBe(
      base.operations.length,
    );
    expect(await w.page.locator('[data-chart="chart-timeline"] .mark.span').count()).toBe(
      base.operations.length,
    );
    expect(await w.page.locator('[data-chart="chart-duration"] .mark.bar').count()).toBe(3);
    expect(await w.page.locator('[data-chart="chart-timeline"] .mark.line').count()).toBe(3);
    expect(await w.page.locator('.row-count').getAttribute('data-rows')).toBe(String(base.operations.length));

    const [download] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.locator('[data-export="csv"]').click(),
    ]);
    const csv = Papa.parse<Record<string, string>>(await readFile((await download.path())!, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    });
    expect(csv.meta.fields).toEqual(OPERATION_COLUMNS);
    expect(csv.data.map((r) => Number(r.seq))).toEqual(base.operations.map((o) => o.seq));
    expect(await w.page.locator('[data-export="parquet"]').getAttribute('href')).toBe(
      `api/runs/${base.run.id}/export.parquet`,
    );
    await screenshot(w.page, 'served-run');
  });

  it('compares two runs: what differs first, then one verdict per model and family', async () => {
    await go(`#/compare?runs=${base.run.id},${next.run.id}`);
    // What tells the runs apart leads the page.
    const differs = w.page.locator('[data-table="differs"] tr[data-setting="concurrency"] td');
    expect(await differs.allTextContents()).toEqual(['1', '2']);
    // The verdict table: one row per model (two runs), one cell per family, with the test's p.
    const verdicts = w.page.locator('[data-table="verdicts"] tbody tr');
    expect(await verdicts.count()).toBe(new Set(base.operations.map((o) => o.model_name)).size);
    const slow = w.page.locator(
      `[data-table="verdicts"] tr[data-model="${slowModel}"] [data-family="duration"]`,
    );
    expect(await slow.getAttribute('data-verdict')).toBe('slower');
    expect(await slow.getAttribute('data-tone')).toBe('worse');
    expect(await slow.evaluate((e) => e.classList.contains('verdict-worse'))).toBe(true);
    expect(await slow.textContent()).toMatch(/slower\s*\+\d[\d.]* % · p = /);
    // The models that did not change are not flagged slower.
    for (const other of new Set(base.operations.map((o) => o.model_name))) {
      if (other === slowModel) continue;
      const v = w.page.locator(`[data-table="verdicts"] tr[data-model="${other}"] [data-family="duration"]`);
      expect(await v.getAttribute('data-tone')).not.toBe('worse');
    }
    // In the values table, a family's verdict is on its tested row (the mean) only.
    const table = w.page.locator(`[data-compare-model="${slowModel}"]`);
    const meanRow = table.locator('tr', { has: w.page.locator('th[data-metric="avg_duration_seconds"]') });
    expect(await meanRow.locator('th').textContent()).toMatch(/^duration mean/);
    expect(await meanRow.locator('[data-verdict]').textContent()).toMatch(/^slower \(p = /);
    const p95Row = table.locator('tr', { has: w.page.locator('th[data-metric="p95_duration_seconds"]') });
    expect(await p95Row.locator('[data-verdict]').count()).toBe(0);
    await screenshot(w.page, 'served-compare');
  });

  it('shows the compare view’s verdicts and values on a narrow (390 px) screen', async () => {
    const narrow = await watchedPage(browser);
    await narrow.page.setViewportSize({ width: 390, height: 844 });
    await narrow.page.goto(`${server.url}/#/compare?runs=${base.run.id},${next.run.id}`);
    await rendered(narrow.page);
    expect(
      await narrow.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    // Every verdict cell, and the first value column of the values table, lies within the screen.
    const outside = await narrow.page.evaluate(
      () =>
        [
          ...document.querySelectorAll(
            '[data-table="verdicts"] td, .compare-table tbody tr td:nth-of-type(2)',
          ),
        ]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.right > window.innerWidth + 0.5).length,
    );
    expect(outside).toBe(0);
    expect(narrow.errors).toEqual([]);
    await screenshot(narrow.page, 'served-compare-390');
    await narrow.page.close();
  });

  it('shows a model’s history across the runs', async () => {
    await go(`#/models/${encodeURIComponent(slowModel)}`);
    // Three series (mean, p50, p95), one point per run.
    expect(await w.page.locator('[data-chart="chart-history"] .mark.point').count()).toBe(6);
    expect(await w.page.locator('[data-table="history"] tbody tr').count()).toBe(2);
    // Both runs are named "synthetic": the axis tells them apart by when they started.
    const ticks = await w.page.locator('[data-chart="chart-history"] .axis-x .tick text').allTextContents();
    expect(new Set(ticks.filter(Boolean)).size).toBe(2);
  });

  it('shows live operations as they are posted', async () => {
    await go('#/live');
    await poll(() => w.page.locator('[data-view="live"]').getAttribute('data-connected')).toBe('true');
    const live = syntheticMetrics({ operations: 12, seed: 3, startedAt: new Date().toISOString() });
    const run: RunHeader = { ...live.run, id: 'live-run', name: 'live run', ended_at: null };
    const ops = (from: number, to: number): OperationRecord[] =>
      live.operations.slice(from, to).map((o) => ({ ...o, run_id: run.id }));

    await post(`/api/runs/${run.id}/operations`, { run, operations: ops(0, 5), alerts: [] });
    await poll(() => w.page.locator('.run-header').getAttribute('data-run')).toBe(run.id);
    await poll(() => w.page.locator('.row-count').getAttribute('data-rows')).toBe('5');

    const alert = {
      ...live.alerts[0],
      timestamp: new Date().toISOString(),
      metric: 'peak_memory_mb',
      threshold: 1,
      value: 700,
      model_name: ops(5, 6)[0]!.model_name,
      operation: 'inference',
      seq: 5,
    };
    await post(`/api/runs/${run.id}/operations`, { run, operations: ops(5, 12), alerts: [alert] });
    await poll(() => w.page.locator('.row-count').getAttribute('data-rows')).toBe('12');
    await poll(() => w.page.locator('[data-chart="chart-over-time"] .mark.point').count()).toBe(12);
    await poll(() => w.page.locator('[data-alert="peak_memory_mb"]').count()).toBe(1);
    // Value and threshold in the unit of the field the alert watches.
    expect(await w.page.locator('[data-alert="peak_memory_mb"] td.num').allTextContents()).toEqual([
      '700 MB',
      '1 MB',
      '5',
    ]);

    await post(`/api/runs/${run.id}/samples`, { run, samples: live.samples.slice(0, 50) });
    await poll(() => w.page.locator('[data-chart="chart-timeline"] .mark.line').count()).toBe(3);
    await screenshot(w.page, 'served-live');
  });

  it('runs read-only SQL and downloads the result as CSV', async () => {
    await go('#/sql');
    await w.page
      .locator('textarea')
      .fill(
        'SELECT model_name, count(*) AS n FROM operations WHERE run_id = ' +
          `'${base.run.id}' GROUP BY model_name ORDER BY model_name`,
      );
    await w.page.locator('[data-action="run-sql"]').click();
    await poll(() => w.page.locator('[data-result-rows]').getAttribute('data-result-rows')).toBe('3');
    const expected = new Map<string, number>();
    for (const o of base.operations) expected.set(o.model_name, (expected.get(o.model_name) ?? 0) + 1);
    const cells = await w.page
      .locator('[data-table="sql"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([m, n]) => [m, String(n)]));

    const [download] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.locator('[data-action="sql-csv"]').click(),
    ]);
    const csv = Papa.parse<Record<string, string>>(await readFile((await download.path())!, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    });
    expect(csv.data.map((r) => [r.model_name, Number(r.n)])).toEqual(
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)),
    );

    await w.page.locator('textarea').fill('DROP TABLE runs');
    await w.page.locator('[data-action="run-sql"]').click();
    await poll(() => w.page.locator('.sql-console [data-state="error"]').count()).toBe(1);
    await screenshot(w.page, 'served-sql');
  });

  it('logged no console error on any page', () => {
    // A refused query answers 400, which the browser logs as a failed resource load.
    expect(w.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
