/**
 * The `iokit` backend and the macOS energy source on a real Mac (the macOS CI job), against a
 * Metal workload of known size run in this process: a private buffer of 256 MiB and compute
 * kernels until the GPU reports 1.5 s of execution (its own command-buffer timestamps).
 * Where the machine's GPU has no counter (a CI runner's virtual GPU), the counter must be
 * unavailable with a reason, and its readings null; this test checks that instead.
 * Skipped on other platforms: the rules behind these readings are tested on Linux
 * (apple-iokit.test.ts, apple-energy.test.ts).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TESTING_ADDON } from './helpers.ts';

interface Counter {
  name: string;
  available: boolean;
  source: string;
  reason: string;
}
interface Backend {
  gpuBackend(): {
    name: string;
    devices: { name: string; vendor: string; core_count: number | null }[];
    counters: Counter[];
  };
  gpuRead(pids: number[]): {
    devices: {
      util_percent: number | null;
      memory_used_bytes: number | null;
      energy_uj: number | null;
      throttle: number | null;
    }[];
    processes: { pid: number; device: number; memory_bytes: number | null; busy_ns: number | null }[];
  };
  energySource(): { name: string; channels: (Counter & { scope: string })[] };
  energyRead(): (number | null)[];
  MetalWorkload: new (
    bytes: number,
  ) => { run(gpuMs: number): number; allocatedBytes(): number; release(): void };
}

const MiB = 1024 * 1024;
const darwin = process.platform === 'darwin';
const t = (darwin ? createRequire(import.meta.url)(TESTING_ADDON) : {}) as Backend;

function own(reading: ReturnType<Backend['gpuRead']>) {
  const mine = reading.processes.filter((p) => p.pid === process.pid);
  const sum = (k: 'memory_bytes' | 'busy_ns') =>
    mine.some((p) => p[k] !== null) ? mine.reduce((s, p) => s + (p[k] ?? 0), 0) : null;
  return { memory: sum('memory_bytes'), busy: sum('busy_ns') };
}

describe.runIf(darwin)('iokit backend on this Mac', () => {
  const backend = darwin ? t.gpuBackend() : { name: '', devices: [], counters: [] };
  const counter = (name: string) => backend.counters.find((c) => c.name === name) as Counter;
  console.log(JSON.stringify({ backend, energy: darwin ? t.energySource() : null }, null, 2));

  it('every counter is available or says why not', () => {
    expect(backend.counters.map((c) => c.name)).toContain('gpu_process_busy');
    for (const c of backend.counters) expect(c.available || c.reason.length > 0, c.name).toBe(true);
    for (const c of t.energySource().channels) expect(c.available || c.reason.length > 0, c.name).toBe(true);
  });

  it('device readings are numbers where available and null where not', () => {
    const r = t.gpuRead([]);
    expect(r.devices.length).toBe(backend.devices.length);
    for (const d of r.devices) {
      expect(d.util_percent === null).toBe(!counter('gpu_util').available);
      if (d.util_percent !== null) expect(d.util_percent).toBeGreaterThanOrEqual(0);
    }
  });

  it('GPU time and memory of this process follow a Metal workload of known size', () => {
    let work: InstanceType<Backend['MetalWorkload']>;
    try {
      work = new t.MetalWorkload(256 * MiB);
    } catch (e) {
      // No Metal device: the process figures must be unavailable with the reason.
      expect(counter('gpu_process_memory').available).toBe(false);
      expect(counter('gpu_process_memory').reason).toMatch(/MTLCreateSystemDefaultDevice/);
      console.log(`no Metal workload: ${(e as Error).message}`);
      return;
    }
    try {
      const before = own(t.gpuRead([process.pid]));
      const gpuSeconds = work.run(1500);
      const during = own(t.gpuRead([process.pid]));
      const metalBytes = work.allocatedBytes();
      console.log(JSON.stringify({ before, during, gpuSeconds, metalBytes }));
      if (counter('gpu_process_memory').available) {
        // The backend reads the same currentAllocatedSize the workload holds its buffer in.
        expect(during.memory).not.toBeNull();
        expect(during.memory ?? 0).toBeGreaterThanOrEqual(256 * MiB);
        expect(during.memory ?? 0).toBeGreaterThanOrEqual((before.memory ?? 0) + 256 * MiB * 0.99);
      } else {
        expect(during.memory).toBeNull();
      }
      if (counter('gpu_process_busy').available) {
        // The driver's accumulated GPU time for this process grew by the GPU time the command
        // buffers reported. Budget: the driver counts per submission and may include the time a
        // buffer waits on the GPU's queue, so 0.5x-2x of the timestamps' sum (+50 ms).
        const grew = ((during.busy ?? 0) - (before.busy ?? 0)) / 1e9;
        expect(during.busy).not.toBeNull();
        expect(grew).toBeGreaterThanOrEqual(gpuSeconds * 0.5);
        expect(grew).toBeLessThanOrEqual(gpuSeconds * 2 + 0.05);
      } else {
        expect(during.busy).toBeNull();
      }
    } finally {
      work.release();
    }
  });

  it('energy counters never go down', () => {
    const a = t.energyRead();
    const b = t.energyRead();
    a.forEach((v, i) => {
      if (v !== null && b[i] !== null) expect(b[i] as number).toBeGreaterThanOrEqual(v);
    });
  });
});
