import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LLMMonitor } from '@llmmon/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchConfig } from './config.js';
import { prepareModels } from './models.js';
import { ModelLoadError, planRuns, runBench } from './runner.js';

let dir: string;
let monitor: LLMMonitor;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llmmon-runner-'));
  monitor = new LLMMonitor({ outputDir: dir, journal: false, logAlerts: false });
});
afterAll(async () => {
  await monitor?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('planRuns', () => {
  it('cycles warm-ups through the prompts and repeats every prompt', () => {
    const plan = planRuns({ prompts: ['a', 'b', 'c'], warmupRuns: 4, repetitions: 2 });
    expect(plan.warmup.map((t) => t.prompt)).toEqual(['a', 'b', 'c', 'a']);
    expect(plan.measured.map((t) => t.prompt)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('runBench', () => {
  it('records one load, the warm-ups and every measured run, with concurrency', async () => {
    const config = await loadBenchConfig({
      file: null,
      overrides: {
        models: [{ kind: 'generated', preset: 'tiny' }],
        maxTokens: 6,
        warmupRuns: 1,
        repetitions: 2,
        concurrency: 2,
      },
    });
    const models = await prepareModels(config, { cacheDir: dir });
    const events: string[] = [];
    await runBench(models, config, monitor, {
      onModelStart: (m, total) => events.push(`start ${m.name} ${total}`),
      onRun: (_m, phase, ok) => events.push(`${phase} ${ok}`),
    });
    const ops = monitor.operations.filter((r) => r.model_name === 'tiny-f32');
    const count = (op: string) => ops.filter((r) => r.operation === op).length;
    expect([count('load'), count('warmup'), count('generate')]).toEqual([1, 1, 2 * config.prompts.length]);
    expect(ops.every((r) => r.status === 'ok')).toBe(true);
    expect(ops.filter((r) => r.operation === 'generate').every((r) => r.output_tokens === 6)).toBe(true);
    expect(events[0]).toBe(`start tiny-f32 ${1 + 2 * config.prompts.length}`);
    expect(events.filter((e) => e === 'measure true')).toHaveLength(2 * config.prompts.length);
  });

  it('stops with the model named when a model cannot load', async () => {
    const config = await loadBenchConfig({
      file: null,
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      overrides: { models: [{ kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', model: 'x', name: 'down' }] },
    });
    const models = await prepareModels(config);
    await expect(runBench(models, config, monitor)).rejects.toThrow(ModelLoadError);
    await expect(runBench(models, config, monitor)).rejects.toThrow(/^down: cannot load: /);
  });
});
