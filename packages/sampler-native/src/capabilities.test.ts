import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, capabilities } from './index.js';

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

  it('has no GPU backend in this build, and says so', () => {
    expect(caps.gpu_backend).toBe('none');
    expect(caps.counters.gpu_util.available).toBe(false);
    expect(caps.counters.gpu_util.reason).toMatch(/no GPU backend/);
    expect(caps.counters.gpu_memory.available).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'Linux: procfs backend on CLOCK_MONOTONIC, no phys_footprint',
    () => {
      expect(caps).toMatchObject({ platform: 'linux', backend: 'linux-procfs', clock: 'CLOCK_MONOTONIC' });
      expect(caps.counters.footprint.available).toBe(false);
      expect(caps.counters.footprint.reason).toMatch(/macOS only/);
      expect(caps.counters.thread_names.available).toBe(true);
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
