/**
 * The run's timeline against the kernel: whatever the process does (operations at once, worker
 * threads that come and go, llama.cpp starting and joining its threads at every decode step, an
 * event loop blocked for 150 ms, the timeline drained every 200 ms meanwhile), no stored point
 * exceeds the machine, and the points integrate to the process's CPU time (getrusage).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureLlamaGguf } from '@llmmon/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burnCpu, sleep } from '../test/support/ground-truth.js';
import { HAS_NATIVE } from '../test/support/native.js';
import { type LlamaCppModel, llamaCpp } from './adapters/llama-cpp.js';
import { LLMMonitor } from './monitor.js';

const cores = availableParallelism();
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/**
 * How far a point may read above the machine: each end of a CPU interval is uncertain by one
 * reading's spread (at most ~0.5 ms with 60 threads, see sampler-native's single_instant()),
 * during which at most every core ran. A 50 ms point: ±2 %; a 10 ms reading interval: ±10 %.
 */
const bound = (seconds: number) => cores * 100 * (1 + (2 * 0.0005) / seconds);

const WORKER = `
  const { parentPort } = require('node:worker_threads');
  const end = Date.now() + 40;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  parentPort.postMessage(x);
`;
async function workerChurn(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const w = new Worker(WORKER, { eval: true });
    const exited = new Promise((resolve) => w.once('exit', resolve));
    await new Promise((resolve) => w.once('message', resolve));
    await exited;
  }
}

let dir: string;
let model: LlamaCppModel;

describe.runIf(HAS_NATIVE)('timeline invariants (native sampler)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmmon-timeline-'));
    const { path: modelPath } = await ensureLlamaGguf(
      {
        name: 'timeline-test',
        type: 'q8_0',
        embeddingLength: 128,
        blockCount: 2,
        headCount: 4,
        feedForwardLength: 256,
        vocabSize: 512,
      },
      { cacheDir: dir },
    );
    // Two threads: llama.cpp starts and joins a worker at every decode step.
    model = llamaCpp({ modelPath, name: 'tiny', monitor: null, threads: 2, contextSize: 256 });
    await model.load();
  });
  afterAll(async () => {
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('no point exceeds the cores, and the timeline integrates to the process CPU time', async () => {
    const width = 0.05; // the monitor's default point width
    const origin = process.hrtime.bigint(); // the monitor's origin is taken microseconds later
    const m = new LLMMonitor({ outputDir: dir, journal: false, logAlerts: false, sampler: 'native' });
    const now = () => Number(process.hrtime.bigint() - origin) / 1e9;
    // Start the work just after a point's boundary, so that the points from there on cover it.
    await sleep(120);
    const t0 = Math.ceil(now() / width + 0.2) * width;
    await sleep((t0 - now()) * 1000);
    while (now() < t0);
    const from = cpuSeconds();
    await Promise.all([
      m.trackOperation('tiny', 'inference', 0, async () => {
        for await (const _ of model.generate('Measure every token.', { maxTokens: 96 })) {
          // consume
        }
      }),
      m.trackOperation('workers', 'churn', 0, () => workerChurn(6)),
      m.trackOperation('main', 'blocked', 0, async () => {
        await sleep(30);
        burnCpu(150); // the event loop is blocked: no drains, no timers
      }),
    ]);
    await sleep(150);
    const truth = cpuSeconds() - from;
    const t1 = now();
    const samples = m.toMetricsFile().samples;
    await m.close();

    let integral = 0;
    let inside = 0;
    for (const s of samples) {
      expect(s.cpu_percent ?? 0).toBeLessThanOrEqual(bound(width));
      expect(s.cpu_peak_percent ?? 0).toBeLessThanOrEqual(bound(0.009));
      // The points from t0 (a boundary) that end before t1.
      if (s.t - width >= t0 - 1e-6 && s.t <= t1) {
        integral += ((s.cpu_percent ?? 0) / 100) * width;
        inside++;
      }
    }
    const peak = Math.max(...samples.map((s) => s.cpu_percent ?? 0));
    console.info(
      `timeline: ${inside} points, peak ${peak.toFixed(1)} % on ${cores} cores, integral ${integral.toFixed(3)} s, getrusage ${truth.toFixed(3)} s`,
    );
    expect(samples.filter((s) => s.cpu_percent === null).length).toBeLessThan(samples.length / 10);
    // getrusage spans a little more than the points: the tail after the last one, where the
    // process was idle but for the sampler (a few % of a core).
    expect(integral).toBeLessThanOrEqual(truth * 1.01);
    expect(integral).toBeGreaterThanOrEqual(truth * 0.97);
  });
});
