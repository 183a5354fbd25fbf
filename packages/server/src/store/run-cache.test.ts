import { describe, expect, it } from 'vitest';
import { RunCache } from './run-cache.js';

describe('RunCache', () => {
  it('keeps values per run and key until the run is invalidated', () => {
    const cache = new RunCache<number>();
    cache.set('a', cache.generation('a'), 1);
    cache.set('a', cache.generation('a'), 2, 'k');
    expect([cache.get('a'), cache.get('a', 'k'), cache.get('b')]).toEqual([1, 2, undefined]);
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops a result read before a write that finished meanwhile', () => {
    const cache = new RunCache<string>();
    const seen = cache.generation('a');
    cache.invalidate('a'); // an ingest committed while the read ran
    cache.set('a', seen, 'stale');
    expect(cache.get('a')).toBeUndefined();
  });
});
