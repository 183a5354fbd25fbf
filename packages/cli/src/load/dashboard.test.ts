/// <reference lib="dom" />
// page.evaluate() callbacks run in the page, so this file also sees the DOM types.
/**
 * The dashboard's load view in Chromium, for a real `llmmon load` run against the scripted
 * server: every plotted point, box and bar must carry the figure stored in the run's records
 * (the level operations' metadata and CPU time, the requests' TTFT and gaps), and be drawn where
 * the chart's scale puts that figure; the served dashboard (`llmmon serve` on the DuckDB file
 * the run was stored in) shows the same figures.
 */
import { join } from 'node:path';
import { loadMetrics, type MetricsFile, type OperationRecord } from '@llmmon/core';
import { createDashboard } from '@llmmon/dashboard';
import { startServer } from '@llmmon/server';
import { tempDir } from '@llmmon/testkit';
import { type Chromium, launchChromium, waitForRender } from '@llmmon/testkit/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadCommand } from './load.js';
import { scriptedLoadOptions, startScriptedServer } from './scripted-server.js';

const tmp = tempDir('llmmon-load-dashboard-');

let browser: Chromium;
let file: MetricsFile;
let runId: string;
let levels: OperationRecord[];
let page: Awaited<ReturnType<Chromium['context']['newPage']>>;
const errors: string[] = [];

beforeAll(async () => {
  const server = await startScriptedServer({ ttftMs: 30, itlMs: 5, inputTokens: 10, slots: 2 });
  try {
    const outcome = await runLoadCommand(
      scriptedLoadOptions(
        server.baseURL,
        tmp.dir,
        {
          plan: {
            kind: 'list',
            levels: [1, 2, 4].map((concurrency) => ({ mode: 'concurrency' as const, concurrency })),
          },
          limits: { durationSeconds: null, requests: 8, warmup: 1 },
          db: join(tmp.dir, 'runs.duckdb'),
          noStore: false,
        },
        6,
      ),
    );
    runId = outcome.runId;
    file = await loadMetrics(outcome.metricsFile);
    levels = file.operations.filter((o) => o.operation === 'load-level');
    const { url } = await createDashboard(outcome.metricsFile);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await waitForRender(page);
  } finally {
    await server.close();
  }
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await tmp.remove();
});

const meta = (r: OperationRecord) => r.metadata as Record<string, number | string>;
const label = (r: OperationRecord) => meta(r).load_level_label as string;

/** The points of a curve chart: series, level, the figures they carry and their centre. */
const points = (chart: string) =>
  page.locator(`[data-chart="${chart}"] .mark.point`).evaluateAll((els) =>
    els.map((e) => ({
      series: e.getAttribute('data-series'),
      level: e.getAttribute('data-level'),
      x: Number(e.getAttribute('data-x')),
      y: Number(e.getAttribute('data-y')),
      cx: Number(e.getAttribute('cx')),
    })),
  );

describe('load view of the dashboard', () => {
  it('shows the load view with no page error, for a run of three levels', async () => {
    expect(errors).toEqual([]);
    expect(levels.map(label)).toEqual(['c=1', 'c=2', 'c=4']);
    expect(await page.locator('[data-section="load"]').count()).toBe(1);
  });

  it('plots p50 and p99 of each latency at each level’s stored request throughput', async () => {
    for (const k of ['ttft', 'tpot', 'itl', 'e2el']) {
      const drawn = await points(`load-${k}`);
      const stored = ['p50', 'p99'].flatMap((series) =>
        levels.map((l) => ({
          series,
          level: label(l),
          x: meta(l).request_throughput as number,
          y: (meta(l)[`${k}_${series}_seconds`] as number) * 1000,
        })),
      );
      expect(drawn.map(({ cx, ...p }) => p)).toEqual(stored);
      // Linear from 0: positions in proportion to the figures.
      expect(drawn[2]!.cx / drawn[0]!.cx).toBeCloseTo(drawn[2]!.x / drawn[0]!.x, 2);
    }
  });

  it('switches the x axis to the stored output token throughput', async () => {
    await page.selectOption('[data-control="load-axis"]', 'output');
    await expect
      .poll(async () => (await points('load-ttft')).map((p) => p.x), { timeout: 10_000 })
      .toEqual([...levels, ...levels].map((l) => meta(l).output_token_throughput));
    await page.selectOption('[data-control="load-axis"]', 'request');
  });

  it('draws per-user against total throughput from the stored figures', async () => {
    expect(await points('load-pareto')).toEqual(
      levels.map((l) => {
        const m = meta(l);
        const total = m.output_token_throughput as number;
        return expect.objectContaining({ level: label(l), x: total, y: total / (m.concurrency as number) });
      }),
    );
  });

  it('draws each level’s TTFT and ITL distribution from its requests, its median the stored p50', async () => {
    for (const [chart, k] of [
      ['load-ttft-spread', 'ttft'],
      ['load-itl-spread', 'itl'],
    ] as const) {
      const boxes = await page
        .locator(`[data-chart="${chart}"] .mark.box`)
        .evaluateAll((els) =>
          els.map((e) => ({ p50: Number(e.getAttribute('data-p50')), n: Number(e.getAttribute('data-n')) })),
        );
      expect(boxes).toHaveLength(3);
      levels.forEach((l, i) => {
        // Both sides interpolate linearly between ranks: equal to rounding.
        expect(boxes[i]!.p50).toBeCloseTo((meta(l)[`${k}_p50_seconds`] as number) * 1000, 9);
        // 8 requests of 6 tokens: 8 TTFTs and 8 × 5 gaps.
        expect(boxes[i]!.n).toBe(k === 'ttft' ? 8 : 40);
      });
    }
  });

  it('draws the client’s CPU per 1,000 output tokens from each level’s CPU time and tokens', async () => {
    const bars = await page
      .locator('[data-chart="load-client-cpu"] .mark.bar')
      .evaluateAll((els) =>
        els.map((e) => ({ label: e.getAttribute('aria-label'), width: Number(e.getAttribute('width')) })),
      );
    const per1k = levels.map((l) => (l.cpu_time_seconds! / l.output_tokens!) * 1000);
    expect(levels.map((l) => l.output_tokens)).toEqual([48, 48, 48]);
    expect(bars.map((b) => b.label?.split(':')[0])).toEqual(['c=1', 'c=2', 'c=4']);
    for (let i = 1; i < 3; i++) expect(bars[i]!.width / bars[0]!.width).toBeCloseTo(per1k[i]! / per1k[0]!, 2);
  });

  it('says that no server process and no energy counter were measured, instead of drawing zeros', async () => {
    for (const chart of ['load-server-cpu', 'load-joules']) {
      const card = page.locator(`[data-chart="${chart}"]`);
      expect(await card.getAttribute('data-empty')).toBe('true');
      expect(await card.locator('.mark').count()).toBe(0);
    }
  });

  it('shows the same figures in the served dashboard, from the run stored in DuckDB', async () => {
    const server = await startServer({ db: join(tmp.dir, 'runs.duckdb'), port: 0 });
    try {
      const served = await browser.context.newPage();
      await served.goto(`${server.url}/#/runs/${encodeURIComponent(runId)}`);
      await waitForRender(served);
      const drawn = await served
        .locator('[data-chart="load-e2el"] .mark.point')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-level'), Number(e.getAttribute('data-y'))]),
        );
      expect(drawn).toEqual(
        ['p50', 'p99'].flatMap((p) =>
          levels.map((l) => [label(l), (meta(l)[`e2el_${p}_seconds`] as number) * 1000]),
        ),
      );
      await served.close();
    } finally {
      await server.close();
    }
  });
});
