import { describe, expect, it } from 'vitest';
import { NATIVE_DEFAULT_IDLE_INTERVAL_MS } from './native.js';
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

describe('sampler registry: idle', () => {
  it('polls ever more slowly while no window is open, and every 200 ms again once one is', async () => {
    const lease = acquireSampler({ choice: 'native' });
    const polls: number[] = [];
    lease.onTimeline(() => polls.push(performance.now()));
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 3200));
    // 200 + 400 + 800 + 1600 ms: at most 4 polls in 3.2 s idle (timers can only be late), where a
    // fixed 200 ms timer would poll 16 times.
    const idlePolls = polls.filter((t) => t >= from).length;
    expect(idlePolls).toBeGreaterThanOrEqual(1);
    expect(idlePolls).toBeLessThanOrEqual(4);
    expect(lease.info.idle_interval_ms).toBe(NATIVE_DEFAULT_IDLE_INTERVAL_MS);
    const id = lease.backend.openWindow();
    await new Promise((r) => setTimeout(r, 1600 + 1000)); // the next poll finds it open
    const busyFrom = polls.at(-1)!;
    await new Promise((r) => setTimeout(r, 1000));
    lease.backend.closeWindow(id);
    // Back at 200 ms: about 5 polls in that second (fewer only if the timer ran late).
    expect(polls.filter((t) => t > busyFrom).length).toBeGreaterThanOrEqual(2);
    lease.release();
  });
});
