import { describe, expect, it } from 'vitest';
import { defaultLlamaThreads } from './threads.js';

describe('defaultLlamaThreads', () => {
  it('uses one thread on small machines and half the CPUs (at most 8) on larger ones', () => {
    expect([1, 2, 3, 4].map((n) => defaultLlamaThreads(n))).toEqual([1, 1, 1, 1]);
    expect([6, 8, 16, 64].map((n) => defaultLlamaThreads(n))).toEqual([3, 4, 8, 8]);
  });
});
