import { describe, expect, it } from 'vitest';
import { RunSchema } from './run.js';
import { runDifferences, runDistinction, runLengthSeconds } from './run-facts.js';

const run = (over: Record<string, unknown> = {}) =>
  RunSchema.parse({
    id: 'r',
    started_at: '2026-01-01T00:00:00.000Z',
    ended_at: '2026-01-01T00:00:17.700Z',
    host: { hostname: 'box', cpu_count: 2 },
    sampler: { kind: 'native', interval_ms: 1 },
    ...over,
  });

describe('runLengthSeconds', () => {
  it('is the time from start to end, whatever the operations spanned', () => {
    expect(runLengthSeconds(run())).toBeCloseTo(17.7, 9);
  });
  it('is null for a run that has not ended', () => {
    expect(runLengthSeconds(run({ ended_at: null }))).toBeNull();
  });
});

describe('runDifferences', () => {
  const a = run({ tags: { bench: 'default', concurrency: 1, max_tokens: 64 } });
  const b = run({ tags: { bench: 'default', concurrency: 2, max_tokens: 64 } });

  it('lists only the settings whose values differ, in each run’s order', () => {
    expect(runDifferences([a, b])).toEqual([{ key: 'concurrency', values: ['1', '2'] }]);
  });
  it('counts a setting one run lacks, and machine and sampler differences', () => {
    const c = run({ tags: { bench: 'default' }, host: { hostname: 'other', cpu_count: 2 } });
    expect(runDifferences([a, c])).toEqual([
      { key: 'concurrency', values: ['1', null] },
      { key: 'max_tokens', values: ['64', null] },
      { key: 'machine', values: ['box', 'other'] },
    ]);
  });
  it('is empty for runs taken the same way, and for a single run', () => {
    expect(runDifferences([a, a])).toEqual([]);
    expect(runDifferences([a])).toEqual([]);
  });
  it('words one run’s side', () => {
    const d = runDifferences([a, run({ tags: { concurrency: 2 } })]);
    expect(runDistinction(d, 1)).toBe('bench — · concurrency 2 · max_tokens —');
  });
});
