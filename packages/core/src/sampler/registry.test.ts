import { describe, expect, it } from 'vitest';
import { acquireSampler } from './registry.js';

describe('sampler registry', () => {
  it('falls back to the JS sampler when the native one cannot load, saying why once', () => {
    const reasons: string[] = [];
    const options = { nativeModule: '@llmmon/not-a-sampler', onFallback: (r: string) => reasons.push(r) };
    const a = acquireSampler(options);
    const b = acquireSampler(options);
    expect(a.backend.kind).toBe('js');
    expect(a.info).toMatchObject({
      kind: 'js',
      reason: expect.stringMatching(/Cannot find (module|package) '@llmmon\/not-a-sampler/),
    });
    expect(reasons).toHaveLength(1);
    expect(b.backend).toBe(a.backend); // one sampler per process
    a.release();
    b.release();
  });

  it('refuses a forced native sampler that cannot load, with the reason', () => {
    expect(() => acquireSampler({ choice: 'native', nativeModule: '@llmmon/not-a-sampler' })).toThrow(
      /^llmmon: the native sampler cannot load: Cannot find/,
    );
  });

  it('measures windows with the JS sampler', async () => {
    const lease = acquireSampler({ choice: 'js' });
    expect(lease.info).toMatchObject({ kind: 'js', reason: expect.stringMatching(/^JS sampler chosen/) });
    const id = lease.backend.openWindow();
    await new Promise((r) => setTimeout(r, 60));
    const w = lease.backend.closeWindow(id);
    expect(w.wall_seconds).toBeGreaterThanOrEqual(0.059);
    expect(w.sample_count).toBeGreaterThan(0);
    expect(w.threads).toBeNull();
    expect(w.gpu).toBeNull();
    expect(() => lease.backend.closeWindow(id)).toThrow('sampler: no open window');
    lease.release();
  });
});
