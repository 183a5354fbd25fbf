import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRODUCT_ADDON as ADDON, requireDist, TESTING_ADDON as TESTING } from './helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs an ES module script in a fresh node process; kills it after 15 s (a hang). */
function run(script: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 15_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
          seconds: (Date.now() - started) / 1000,
        });
      },
    );
  });
}

const prelude = () => `
  import { Worker } from 'node:worker_threads';
  import { Sampler } from ${JSON.stringify(requireDist())};
  const samplers = [new Sampler({ intervalMs: 0.1 }).start(), new Sampler({ intervalMs: 1 }).start()];
  for (const s of samplers) for (let i = 0; i < 100; i++) s.openWindow();
  const worker = new Worker(${JSON.stringify(WORKER)}, { execArgv: [], workerData: {
    dist: ${JSON.stringify(requireDist())}, addon: ${JSON.stringify(ADDON)}, testingAddon: ${JSON.stringify(TESTING)} } });
  await new Promise((resolve) => { worker.once('message', resolve); worker.postMessage({ cmd: 'leaveRunning', bare: false, intervalMs: 0.5 }); });
  await new Promise((resolve) => setTimeout(resolve, 100));
`;

describe('process exit while sampling (child processes)', () => {
  it('process.exit() with samplers running in the main thread and a worker: exits at once, no crash', async () => {
    const r = await run(`${prelude()} console.log('exiting'); process.exit(0);`);
    expect(r.stderr).toBe('');
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(r.stdout).toContain('exiting');
    expect(r.seconds).toBeLessThan(10);
  });

  it('the event loop draining while samplers run: the process ends by itself (samplers hold no handle)', async () => {
    const r = await run(`${prelude()} worker.unref(); console.log('done');`);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
    expect(r.stdout).toContain('done');
  });

  it('an uncaught exception while sampling: exit code 1, no crash', async () => {
    const r = await run(`${prelude()} throw new Error('boom');`);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 1, signal: null });
    expect(r.stderr).toContain('boom');
  });

  it('the bare addon left running at process.exit() (no JS exit hook): 10 runs, none crashes or hangs', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const addon = createRequire(import.meta.url)(${JSON.stringify(ADDON)});
      const s = new addon.Sampler(0.1e6, 1e6, 10e6, 1024, 100e6);
      s.start();
      for (let i = 0; i < 50; i++) s.openWindow();
      await new Promise((resolve) => setTimeout(resolve, 20));
      process.exit(7);`;
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => run(script)));
    for (const r of outcomes)
      expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
        code: 7,
        signal: null,
        stderr: '',
      });
  });
});
