import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, capabilities, Sampler } from './index.js';

describe('capabilities()', () => {
  const caps = capabilities();

  it('reports every counter, with a source, and a reason exactly where it is unavailable', () => {
    expect(Object.keys(caps.counters).sort()).toEqual([...COUNTER_NAMES].sort());
    for (const [name, c] of Object.entries(caps.counters)) {
      if (c.available) expect(c.reason, name).toBeNull();
      else expect(c.reason, name).toMatch(/\w{3,}/);
    }
    for (const name of ['process_cpu', 'rss', 'thread_cpu', 'system_cpu', 'system_memory'] as const) {
      expect(caps.counters[name].available, name).toBe(true);
      expect(caps.counters[name].source, name).not.toBe('');
    }
  });

  it.runIf(process.platform === 'linux' && !existsSync('/dev/dri') && !existsSync('/dev/nvidiactl'))(
    "a machine without a GPU: backend none, every GPU counter null with each backend's reason",
    () => {
      expect(caps.gpu_backend).toBe('none');
      expect(caps.gpus).toEqual([]);
      for (const name of COUNTER_NAMES.filter((n) => n.startsWith('gpu_'))) {
        expect(caps.counters[name].available, name).toBe(false);
        expect(caps.counters[name].reason, name).toMatch(/^no GPU found: NVML: .*; DRM: /);
      }
    },
  );

  it('says for every counter where it is read and how fine its figures are', () => {
    for (const [name, c] of Object.entries(caps.counters)) {
      expect(['process', 'thread', 'machine', 'device', 'package', 'target'], name).toContain(c.scope);
      if (c.resolution_ms !== null) expect(c.resolution_ms, name).toBeGreaterThan(0);
    }
    expect(caps.counters.rss.resolution_ms).toBe(1);
    expect(caps.counters.thread_cpu.resolution_ms).toBe(10);
    expect(caps.counters.gpu_memory.resolution_ms).toBe(caps.gpu_interval_ms);
    expect(new Sampler({ gpuIntervalMs: 250 }).capabilities().counters.gpu_memory.resolution_ms).toBe(250);
  });

  it.runIf(process.platform === 'linux')(
    'Linux: procfs backend on CLOCK_MONOTONIC, no phys_footprint',
    () => {
      expect(caps).toMatchObject({ platform: 'linux', backend: 'linux-procfs', clock: 'CLOCK_MONOTONIC' });
      expect(caps.counters.footprint.available).toBe(false);
      expect(caps.counters.footprint.reason).toMatch(/macOS only/);
      expect(caps.counters.thread_names.available).toBe(true);
      // Other processes: schedstat and statm, no per-process energy counter.
      expect(caps.counters.target_thread_cpu.source).toMatch(/schedstat/);
      expect(caps.counters.target_rss.resolution_ms).toBe(1);
      expect(caps.counters.target_cpu.resolution_ms).toBe(10);
      expect(caps.counters.target_energy).toMatchObject({ available: false, scope: 'target' });
      expect(caps.counters.target_energy.reason).toMatch(/no energy per process/);
    },
  );

  it.runIf(process.platform === 'darwin')(
    'macOS: Mach backend on mach_continuous_time, with phys_footprint',
    () => {
      expect(caps).toMatchObject({
        platform: 'darwin',
        backend: 'darwin-mach',
        clock: 'mach_continuous_time',
      });
      expect(caps.counters.footprint.available).toBe(true);
    },
  );

  it('returns a copy', () => {
    const a = capabilities();
    a.counters.rss.available = false;
    expect(capabilities().counters.rss.available).toBe(true);
  });
});
