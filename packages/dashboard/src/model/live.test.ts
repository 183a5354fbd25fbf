import type { Alert, Sample } from '@llmmon/core/schema';
import { NO_GPU_SAMPLE } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { mergeAlerts, mergeSamples } from './live.js';

const alert = (seq: number, state: 'fired' | 'resolved' = 'fired'): Alert => ({
  timestamp: new Date(Date.UTC(2024, 4, 1, 12, 0, seq)).toISOString(),
  metric: 'peak_memory_mb',
  threshold: 100,
  value: state === 'fired' ? 200 : 50,
  model_name: 'm',
  operation: 'inference',
  seq,
  state,
});
const sample = (t: number, cpu = 10): Sample => ({
  t,
  cpu_percent: cpu,
  cpu_peak_percent: cpu,
  rss_mb: 1,
  system_cpu_percent: null,
  ...NO_GPU_SAMPLE,
  tick_interval_ms: null,
});

describe('live merging', () => {
  it('keeps each alert once, in operation order, whatever order and repeats the stream sends', () => {
    const loaded = [alert(1), alert(4, 'resolved')];
    // An event that landed while the run was loading repeats seq 4; a later batch arrives first.
    const merged = mergeAlerts(mergeAlerts(loaded, [alert(9), alert(4, 'resolved')]), [alert(6), alert(1)]);
    expect(merged.map((a) => [a.seq, a.state])).toEqual([
      [1, 'fired'],
      [4, 'resolved'],
      [6, 'fired'],
      [9, 'fired'],
    ]);
    expect(mergeAlerts(loaded, [alert(1)])).toBe(loaded);
  });

  it('keeps one sample per t, in time order', () => {
    const merged = mergeSamples([sample(0.05), sample(0.1)], [sample(0.1, 20), sample(0.15), sample(0.05)]);
    expect(merged.map((s) => [s.t, s.cpu_percent])).toEqual([
      [0.05, 10],
      [0.1, 20],
      [0.15, 10],
    ]);
  });
});
