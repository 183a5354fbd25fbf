/**
 * Core's live push against the real server: what an LLMMonitor measures arrives in the DuckDB
 * store unchanged, once, through the bearer token, and the server's statistics of the stored run
 * equal core's own statistics of the same operations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LLMMonitor } from '@llmmon/core';
import { type MetricsFile, modelComparison, type RunDetailResponse } from '@llmmon/core/schema';
import { type RunningServer, startServer } from '@llmmon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let server: RunningServer;
const token = 'e2e-token-0123456789';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llmmon-e2e-server-'));
  server = await startServer({ db: join(dir, 'e2e.duckdb'), port: 0, token, dashboardDir: null });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
};

describe('live push from core into the server', () => {
  it('stores every operation and sample once, with the same values and statistics', async () => {
    const monitor = new LLMMonitor({
      outputDir: dir,
      sampler: 'js',
      serverUrl: server.url,
      serverToken: token,
      pushIntervalMs: 50,
      runName: 'e2e',
    });
    for (let i = 0; i < 12; i++) {
      await monitor.trackOperation(i % 2 ? 'model-a' : 'model-b', 'inference', 100 + i, () => busy(5 + i));
    }
    await monitor.close();
    expect(monitor.pushBacklog).toEqual({ operations: 0, samples: 0 });

    const local = monitor.toMetricsFile();
    const res = await fetch(`${server.url}/api/runs/${encodeURIComponent(local.run.id)}/export.json`);
    expect(res.status).toBe(200);
    const stored = (await res.json()) as MetricsFile;
    expect(stored.operations).toHaveLength(12);
    const bySeq = (f: MetricsFile) => [...f.operations].sort((a, b) => a.seq! - b.seq!);
    expect(bySeq(stored).map((o) => o.duration_seconds)).toEqual(bySeq(local).map((o) => o.duration_seconds));
    expect(bySeq(stored).map((o) => o.cpu_time_seconds)).toEqual(bySeq(local).map((o) => o.cpu_time_seconds));
    expect(bySeq(stored).map((o) => Date.parse(o.timestamp))).toEqual(
      bySeq(local).map((o) => Date.parse(o.timestamp)),
    );
    expect(stored.samples.length).toBe(local.samples.length);

    const detail = (await (
      await fetch(`${server.url}/api/runs/${encodeURIComponent(local.run.id)}`)
    ).json()) as RunDetailResponse;
    const core = modelComparison(local.operations);
    for (const [model, stats] of Object.entries(core)) {
      expect(detail.models[model]!.operations).toBe(stats.operations);
      expect(detail.models[model]!.avg_duration_seconds).toBeCloseTo(stats.avg_duration_seconds!, 12);
      expect(detail.models[model]!.p95_duration_seconds).toBeCloseTo(stats.p95_duration_seconds!, 12);
    }
  });

  it('refuses pushes without the token (nothing stored)', async () => {
    const before = await (await fetch(`${server.url}/api/health`)).json();
    const monitor = new LLMMonitor({
      outputDir: dir,
      sampler: 'js',
      serverUrl: server.url,
      pushIntervalMs: 20,
    });
    await monitor.trackOperation('m', 'inference', 1, () => 1);
    await monitor.close(2000);
    const after = await (await fetch(`${server.url}/api/health`)).json();
    expect(after.operations).toBe(before.operations);
    // The operation reached the server and was refused (dropped as undeliverable), not left
    // queued because nothing answered.
    expect(monitor.pushBacklog!.operations).toBe(0);
  });
});
