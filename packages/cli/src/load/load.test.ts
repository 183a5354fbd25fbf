/**
 * `runLoadCommand` against the scripted server: the sweep finds the server's known saturation
 * point (its slot count), and each level is an operation whose requests carry the level.
 */
import { Writable } from 'node:stream';
import { loadMetrics } from '@llmmon/core';
import { tempDir } from '@llmmon/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { type LoadCommandOptions, runLoadCommand } from './load.js';
import { startScriptedServer } from './scripted-server.js';

const tmp = tempDir('llmmon-load-test-');
afterAll(() => tmp.remove());

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const base = (baseURL: string): Omit<LoadCommandOptions, 'plan'> => ({
  target: { kind: 'chat', baseURL, model: 'm', timeoutMs: 10_000, temperature: 0, fixedOutput: false },
  serve: null,
  limits: { durationSeconds: null, requests: 8, warmup: 2 },
  seed: 1,
  prompts: null,
  inputTokens: { mean: 10, stddev: 0 },
  outputTokens: { mean: 5, stddev: 0 },
  slo: null,
  name: 'scripted',
  out: tmp.dir,
  noStore: true,
  cwd: tmp.dir,
});

describe('runLoadCommand', () => {
  it('sweeps concurrency up to the server’s two slots and stops where throughput stops rising', async () => {
    // One request = 100 + 4 × 20 ms = 180 ms; two slots: 11.1 requests/s at most, reached at
    // c=2 but for the client's own time between a response and the next request (which c=4
    // hides by keeping requests queued): c=4 gains less than 25% while that time stays under
    // 45 ms a request, the budget this test allows a loaded machine.
    const server = await startScriptedServer({ ttftMs: 100, itlMs: 20, inputTokens: 10, slots: 2 });
    const out = sink();
    try {
      const outcome = await runLoadCommand({
        ...base(server.baseURL),
        plan: {
          kind: 'saturate',
          first: { mode: 'concurrency', concurrency: 1 },
          factor: 2,
          maxLevels: 5,
          minGain: 0.25,
          attainment: 0.9,
        },
        stdout: out.stream,
        stderr: sink().stream,
      });
      expect(outcome.levels.map((l) => l.label)).toEqual(['c=1', 'c=2', 'c=4']);
      expect(outcome.saturation).toBe(1);
      expect(out.text()).toMatch(/saturation: c=2 \(level 3 raised request throughput by less than 25%\)/);
      const [c1, c2] = outcome.levels.map((l) => l.stats.requestThroughput!);
      // Twice the slots in use: about twice the rate (each level's ramp costs it a little).
      expect(c2! / c1!).toBeGreaterThan(1.6);

      const file = await loadMetrics(outcome.metricsFile);
      const levels = file.operations.filter((o) => o.operation === 'load-level');
      expect(levels).toHaveLength(3);
      expect(new Set(levels.map((o) => o.model_name))).toEqual(new Set(['m']));
      expect(levels.map((o) => o.output_tokens)).toEqual([40, 40, 40]);
      expect(levels.every((o) => o.cpu_time_seconds !== null && o.cpu_time_seconds > 0)).toBe(true);
      const requests = file.operations.filter((o) => o.operation === 'request');
      expect(requests).toHaveLength(24);
      expect(file.operations.filter((o) => o.operation === 'warmup')).toHaveLength(6);
      const meta = requests[0]!.metadata as Record<string, unknown>;
      expect(meta).toMatchObject({
        load_level: expect.any(Number),
        mode: 'concurrency',
        output_tokens_from: 'server usage',
      });
      expect((meta.itl_seconds as number[]).length).toBe(4);
      expect(requests.every((o) => o.input_tokens === 10 && o.output_tokens === 5)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('records failed requests as errors with their kind, and goes on', async () => {
    const server = await startScriptedServer({ ttftMs: 1, itlMs: 1, inputTokens: 1, fail: (n) => n === 4 });
    try {
      const outcome = await runLoadCommand({
        ...base(server.baseURL),
        plan: { kind: 'list', levels: [{ mode: 'rate', rate: 200, burstiness: 1, maxConcurrency: null }] },
        // The scripted server runs in this process, which cannot be attached: the server's
        // figures are null with the reason, the run goes on.
        attach: process.pid,
        stdout: sink().stream,
        stderr: sink().stream,
      });
      expect(outcome.levels[0]!.stats.errors).toEqual({ http: 1 });
      const measured = outcome.levels[0]!.cost.server!;
      expect(measured.pid).toBe(process.pid);
      expect(measured.cpuSeconds).toBeNull();
      expect(measured.reason).toMatch(/^cannot attach: .*is this process/);
      const file = await loadMetrics(outcome.metricsFile);
      const failed = file.operations.filter((o) => o.status === 'error');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.error).toMatch(/http: 500/);
      expect((failed[0]!.metadata as Record<string, unknown>).error_kind).toBe('http');
    } finally {
      await server.close();
    }
  });
});
