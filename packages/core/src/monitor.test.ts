import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import {
  burnCpu,
  MiB,
  SCHEDSTAT_LAG,
  schedstat,
  scheduled,
  sleep,
  tempDir,
} from '../test/support/ground-truth.js';
import { HAS_NATIVE, SAMPLERS } from '../test/support/native.js';
import { currentOperation } from './context.js';
import { LLMMonitor } from './monitor.js';

const monitors: LLMMonitor[] = [];
const monitor = (options: ConstructorParameters<typeof LLMMonitor>[0] = {}) => {
  const m = new LLMMonitor({ outputDir: tempDir(), journal: false, ...options });
  monitors.push(m);
  return m;
};
afterAll(async () => {
  for (const m of monitors) await m.close();
});

describe.each(SAMPLERS)('measurements with the %s sampler', (sampler) => {
  it('records ~100 % CPU for a thread that burns 300 ms of CPU', async () => {
    const m = monitor({ sampler });
    // The scheduler's accounting of this thread and the wall time, around the whole tracked call
    // (which holds the operation's sampler window).
    const before = schedstat();
    const usage0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await m.trackOperation('m', 'burn', 0, () => burnCpu(300));
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const usage = process.cpuUsage(usage0);
    const after = schedstat();
    const r = m.operations[0]!;
    expect(r.sampler).toBe(sampler);
    // The loop stops once the kernel has charged 300 ms of user CPU; other threads of the
    // process and the loop's own getrusage calls add some system time on top: at most what
    // getrusage saw over the whole call (the counts of threads running elsewhere lag by < a tick).
    expect(r.cpu_time_seconds).toBeGreaterThanOrEqual(0.299);
    expect(r.cpu_time_seconds).toBeLessThan((usage.user + usage.system) / 1e6 + 2 * SCHEDSTAT_LAG);
    expect(r.cpu_delta_percent).toBeCloseTo((r.cpu_time_seconds! / r.duration_seconds) * 100, -0.5);
    expect(r.avg_cpu_percent).toBe(r.cpu_delta_percent);
    if (before && after) {
      // On an idle machine the thread runs the whole time (100 %); on a loaded one it also waits
      // in the run queue, or is held off the CPU otherwise. The scheduler says how much of the
      // wall time it was on a CPU. The window lies inside that wall time and the process's CPU
      // includes this thread's, so the record cannot read lower (other threads may add some).
      const expected = ((after.runNs - before.runNs) / 1e9 / wall) * 100;
      expect(r.cpu_delta_percent!).toBeGreaterThan(expected - 5);
      expect(r.cpu_delta_percent!).toBeLessThan(expected + 15);
    } else {
      expect(r.cpu_delta_percent!).toBeGreaterThan(50);
    }
    expect(r.peak_cpu_percent!).toBeGreaterThanOrEqual(r.cpu_delta_percent! * 0.9);
    // The run's timeline saw the burn too (50 ms points: process CPU averaged over each). The JS
    // sampler gets no tick while the loop is blocked: its first tick after the burn covers it all.
    await sleep(60);
    const samples = m.toMetricsFile().samples;
    const during = samples.filter((p) => p.t > 0.1 && p.t <= r.duration_seconds);
    if (sampler === 'native') expect(during.length).toBeGreaterThan(2);
    const near = samples.filter((p) => p.t <= r.duration_seconds + 0.1);
    expect(Math.max(...near.map((p) => p.cpu_percent ?? 0))).toBeGreaterThan(r.cpu_delta_percent! - 20);
    if (sampler === 'native') {
      const busiest = r.threads![0]!;
      if (before && after) {
        // burnCpu stops at 300 ms of *process* user CPU, some of which other threads (the
        // sampler's) may have used: the reference is the scheduler's count for this thread.
        const ran = (after.runNs - before.runNs) / 1e9;
        expect(busiest.cpu_seconds).toBeGreaterThan(ran - SCHEDSTAT_LAG);
        expect(busiest.cpu_seconds).toBeLessThan(ran + SCHEDSTAT_LAG);
      } else {
        expect(busiest.cpu_seconds).toBeGreaterThan(0.25);
      }
      expect(r.sample_count).toBeGreaterThan(50);
    } else {
      expect(r.threads).toBeNull();
    }
  });

  it('sees a 200 MiB allocation in peak_memory_mb', async () => {
    const m = monitor({ sampler });
    let buffer: Buffer | null = null;
    await m.trackOperation('m', 'alloc', 0, async () => {
      buffer = Buffer.alloc(200 * MiB, 1); // filled, so every page is resident
      await sleep(30);
    });
    const r = m.operations[0]!;
    expect(buffer!.length).toBe(200 * MiB);
    buffer = null;
    expect(r.peak_memory_mb! - r.rss_start_mb!).toBeGreaterThan(195);
    expect(r.peak_memory_mb! - r.rss_start_mb!).toBeLessThan(260);
    expect(r.peak_memory_mb!).toBeGreaterThanOrEqual(r.rss_end_mb!);
    expect(r.memory_delta_mb).toBeCloseTo(r.rss_end_mb! - r.rss_start_mb!, 6);
    const timelinePeak = Math.max(...m.toMetricsFile().samples.map((p) => p.rss_mb));
    expect(timelinePeak).toBeGreaterThan(r.rss_start_mb! + 195);
  });

  it('fills machine-wide fields and leaves unmeasured ones null, not 0', async () => {
    const m = monitor({ sampler });
    await m.trackOperation('m', 'idle', 0, () => sleep(300));
    const r = m.operations[0]!;
    expect(r.system_memory_percent!).toBeGreaterThan(0);
    expect(r.system_memory_percent!).toBeLessThan(100);
    expect(r.system_cpu_percent!).toBeGreaterThanOrEqual(0);
    expect(r.system_cpu_percent!).toBeLessThanOrEqual(100);
    expect(r.input_tokens).toBeNull();
    expect(r.time_to_first_token_seconds).toBeNull();
    expect(r.tokens_per_sec).toBeNull();
    if (!r.gpu_available) {
      expect(r.gpu_util_avg_percent).toBeNull();
      expect(r.gpu_memory_peak_mb).toBeNull();
    }
  });
});

describe.runIf(HAS_NATIVE)('native sampler only', () => {
  it('keeps sampling while the event loop is blocked, and names the busy thread', async () => {
    const m = monitor({ sampler: 'native' });
    let sched: ReturnType<typeof scheduled> = null;
    await m.trackOperation('m', 'sync', 0, () => {
      sched = scheduled(() => burnCpu(150));
    });
    const r = m.operations[0]!;
    expect(r.sample_count).toBeGreaterThan(20); // a JS timer gets no tick at all here
    const total = r.threads!.reduce((a, t) => a + t.cpu_seconds, 0);
    expect(total).toBeCloseTo(r.cpu_time_seconds!, 2); // the threads add up to the process
    const busiest = r.threads![0]!;
    expect(busiest.tid).toEqual(expect.any(Number));
    const s = sched as ReturnType<typeof scheduled>;
    if (s) {
      // The scheduler's on-CPU time of this thread during the burn (the window is a little longer).
      const ran = s.runSeconds;
      expect(busiest.cpu_seconds).toBeGreaterThan(ran - SCHEDSTAT_LAG);
      expect(busiest.cpu_seconds).toBeLessThan(ran + 0.02);
    } else {
      expect(busiest.cpu_seconds).toBeGreaterThan(0.1);
    }
  });

  it('reports the CPU of a thread that exited inside the operation as "(exited threads)"', async () => {
    const m = monitor({ sampler: 'native' });
    let workerSeconds = 0;
    const main0 = schedstat();
    const usage0 = process.cpuUsage();
    await m.trackOperation('m', 'worker', 0, async () => {
      // The worker burns ~200 ms and reports its thread's whole on-CPU time so far, start-up
      // included, from the scheduler (schedstat counts from the thread's creation).
      const code = `
        const { readFileSync } = require('node:fs');
        const { parentPort } = require('node:worker_threads');
        const run = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
        const end = Date.now() + 200;
        let x = 0;
        while (Date.now() < end) x += Math.sqrt(x + 1);
        parentPort.postMessage(run() / 1e9);
      `;
      const worker = new Worker(code, { eval: true });
      // Listen for 'exit' before awaiting the message: a worker that is done before this thread
      // reads its message gets both emitted in one go (Node drains the port, then emits 'exit').
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      workerSeconds = await new Promise<number>((resolve) => worker.once('message', resolve));
      await exited;
    });
    const usage = process.cpuUsage(usage0);
    const main1 = schedstat();
    const exited = m.operations[0]!.threads!.find((t) => t.tid === null);
    expect(exited?.name).toBe('(exited threads)');
    expect(workerSeconds).toBeGreaterThan(0.02);
    // At least the worker's thread up to its message (its teardown comes on top).
    expect(exited!.cpu_seconds).toBeGreaterThan(workerSeconds - SCHEDSTAT_LAG);
    // At most what the process used around the operation (getrusage) but for this thread's own
    // share (the scheduler's count): every thread that exited inside it, teardown included.
    if (main0 && main1) {
      const others = (usage.user + usage.system) / 1e6 - (main1.runNs - main0.runNs) / 1e9;
      expect(exited!.cpu_seconds).toBeLessThan(others + 2 * SCHEDSTAT_LAG);
    }
  });
});

describe('operations', () => {
  it('passes the result through and records the original fields', async () => {
    const m = monitor({ sampler: 'js' });
    const out = await m.trackOperation('model-a', 'inference', 12, async (op) => {
      expect(op.modelName).toBe('model-a');
      await sleep(50);
      return { answer: 42 };
    });
    expect(out).toEqual({ answer: 42 });
    const r = m.operations[0]!;
    expect(r).toMatchObject({ model_name: 'model-a', operation: 'inference', text_length: 12, status: 'ok' });
    expect(r.duration_seconds).toBeGreaterThanOrEqual(0.049);
    expect(r.throughput_chars_per_sec).toBeCloseTo(12 / r.duration_seconds, 6);
    expect(Date.parse(r.timestamp)).toBeLessThanOrEqual(Date.now() - 49);
    expect(r.run_id).toBe(m.runId);
    expect(r.seq).toBe(0);
  });

  it('records an error and rethrows it unchanged', async () => {
    const m = monitor({ sampler: 'js' });
    const error = new TypeError('boom');
    await expect(
      m.trackOperation('m', 'inference', 1, async () => {
        await sleep(5);
        throw error;
      }),
    ).rejects.toBe(error);
    await expect(
      m.trackOperation('m', 'inference', 1, () => {
        throw 'plain string';
      }),
    ).rejects.toBe('plain string');
    expect(m.operations.map((r) => [r.status, r.error])).toEqual([
      ['error', 'TypeError: boom'],
      ['error', 'plain string'],
    ]);
    expect(m.getModelComparison().m!.errors).toBe(2);
  });

  it('gives overlapping operations their own records, seq in order of ending', async () => {
    const m = monitor({ sampler: 'js' });
    const seen: string[] = [];
    const [a, b] = await Promise.all([
      m.trackOperation('a', 'inference', 1, async () => {
        await sleep(200);
        seen.push(currentOperation()!.modelName);
        return 'A';
      }),
      m.trackOperation('b', 'inference', 2, async () => {
        await sleep(50);
        seen.push(currentOperation()!.modelName);
        return 'B';
      }),
    ]);
    expect([a, b]).toEqual(['A', 'B']);
    expect(seen).toEqual(['b', 'a']);
    const [first, second] = m.operations;
    expect(first).toMatchObject({ model_name: 'b', seq: 0, text_length: 2 });
    expect(second).toMatchObject({ model_name: 'a', seq: 1, text_length: 1 });
    expect(second!.duration_seconds).toBeGreaterThanOrEqual(0.199);
    expect(first!.duration_seconds).toBeLessThan(second!.duration_seconds);
  });

  it('nests operations: the inner one is current inside, the outer one after', async () => {
    const m = monitor({ sampler: 'js' });
    await m.trackOperation('m', 'outer', 0, async (outer) => {
      await m.trackOperation('m', 'inner', 0, async (inner) => {
        expect(currentOperation()).toBe(inner);
        expect(inner.parent).toBe(outer);
      });
      expect(currentOperation()).toBe(outer);
    });
    expect(currentOperation()).toBeUndefined();
    expect(m.operations.map((r) => r.operation)).toEqual(['inner', 'outer']);
  });

  it('works as a disposable with `using`', async () => {
    const m = monitor({ sampler: 'js' });
    {
      using op = m.startOperation('m', 'disposable', 5);
      expect(currentOperation()).toBe(op);
      await sleep(20);
      expect(currentOperation()).toBe(op);
      op.setTokens({ input: 3, output: 7 }).setMetadata({ a: 1 }).setMetadata({ b: 2 });
    }
    expect(currentOperation()).toBeUndefined();
    const r = m.operations[0]!;
    expect(r).toMatchObject({
      operation: 'disposable',
      input_tokens: 3,
      output_tokens: 7,
      metadata: { a: 1, b: 2 },
    });
    expect(r.duration_seconds).toBeGreaterThanOrEqual(0.019);
  });

  it('records a failure reported with fail() and ends once', async () => {
    const m = monitor({ sampler: 'js' });
    const op = m.startOperation('m', 'manual', 0);
    op.fail(new RangeError('bad input'));
    const record = op.end();
    expect(op.end()).toBe(record);
    expect(m.operations).toHaveLength(1);
    expect(record).toMatchObject({ status: 'error', error: 'RangeError: bad input' });
  });

  it('computes TTFT, tokens/s and ITL from a marked first token', async () => {
    const m = monitor({ sampler: 'js' });
    await m.trackOperation('m', 'generate', 0, async (op) => {
      await sleep(100);
      currentOperation()!.markFirstToken();
      await sleep(100);
      op.markFirstToken(); // only the first mark counts
      await sleep(100);
      op.setTokens({ output: 21 });
    });
    const r = m.operations[0]!;
    const decode = r.duration_seconds - r.time_to_first_token_seconds!;
    expect(r.time_to_first_token_seconds!).toBeGreaterThanOrEqual(0.099);
    expect(decode).toBeGreaterThanOrEqual(0.199);
    expect(r.tokens_per_sec).toBeCloseTo(21 / decode, 9);
    expect(r.inter_token_latency_seconds).toBeCloseTo(decode / 20, 9);
  });

  it('rejects bad arguments with a clear message', async () => {
    const m = monitor({ sampler: 'js' });
    expect(() => m.startOperation('', 'x', 0)).toThrow('model name must be a non-empty string');
    expect(() => m.startOperation('m', 'x', -1)).toThrow('textLength must be a non-negative integer, got -1');
    await m.trackOperation('m', 'x', 0, (op) => {
      expect(() => op.setTokens({ output: 1.5 })).toThrow(
        'output tokens must be a non-negative integer, got 1.5',
      );
    });
    expect(() => new LLMMonitor({ sampler: 'gpu' as 'js' })).toThrow(
      /sampler must be one of auto, native, js/,
    );
    expect(() => new LLMMonitor({ thresholds: { peak_memory: 1 } as never })).toThrow(
      /thresholds\.peak_memory/,
    );
  });

  it('refuses new operations once closed', async () => {
    const m = monitor({ sampler: 'js' });
    await m.close();
    await expect(m.trackOperation('m', 'x', 0, () => 1)).rejects.toThrow(/is closed/);
  });
});

describe('alerts', () => {
  it('emits an alert event when a value goes above its threshold and when it comes back, and keeps them', async () => {
    const m = monitor({
      sampler: 'js',
      thresholds: { duration_seconds: 0.05, text_length: 100 },
      logAlerts: false,
    });
    const events: unknown[] = [];
    m.on('alert', (a) => events.push(a));
    await m.trackOperation('m', 'slow', 10, () => sleep(80));
    await m.trackOperation('m', 'fast', 10, () => 1);
    await m.trackOperation('m', 'fast', 10, () => 1); // still below: nothing
    expect(events).toEqual([
      expect.objectContaining({
        metric: 'duration_seconds',
        threshold: 0.05,
        model_name: 'm',
        operation: 'slow',
        seq: 0,
        state: 'fired',
      }),
      expect.objectContaining({ metric: 'duration_seconds', operation: 'fast', seq: 1, state: 'resolved' }),
    ]);
    expect(m.alerts).toEqual(events);
    expect((events[0] as { value: number }).value).toBe(m.operations[0]!.duration_seconds);
  });

  it('does not let a throwing alert listener change the operation', async () => {
    const m = monitor({ sampler: 'js', thresholds: { text_length: 0 }, logAlerts: false });
    m.on('alert', () => {
      throw new Error('listener bug');
    });
    const uncaught = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    await expect(m.trackOperation('m', 'x', 1, () => 'result')).resolves.toBe('result');
    expect(m.operations).toHaveLength(1);
    expect(((await uncaught) as Error).message).toBe('listener bug');
  });
});

describe('summary', () => {
  it('prints an aligned per-model table', async () => {
    const m = monitor({ sampler: 'js', runName: 'table' });
    await m.trackOperation('small', 'inference', 10, () => sleep(10));
    await m.trackOperation('a-much-longer-model-name', 'inference', 10, () => sleep(10));
    await m.trackOperation('small', 'warmup', 10, () => sleep(10));
    let text = '';
    m.printSummary({ write: (s: string) => (text += s) });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^llmmon run .* \(table\): 3 operations, 0 errors, 0 alerts; js sampler/);
    expect(lines[1]).toMatch(/^model\s+ops\s+errors\s+duration mean s\s+duration p50 s/);
    expect(lines).toHaveLength(5); // title, header, rule, two models (warm-up excluded)
    const widths = new Set(lines.slice(1).map((l) => l.length));
    expect(widths.size).toBe(1);
    expect(m.getSummary()).toMatchObject({ operations: 3, errors: 0, models: { small: { operations: 1 } } });
  });
});
