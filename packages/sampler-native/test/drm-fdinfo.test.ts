/**
 * The DRM fdinfo parser (src/native/drm_fdinfo.cpp, through the test-only addon) on text in the
 * kernel's documented formats (test/fixtures/drm-fdinfo.ts names the source of each).
 */
import { describe, expect, it } from 'vitest';
import { amdgpu, i915, panfrost, xe } from './fixtures/drm-fdinfo.js';
import { testing } from './helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const parse = (text: string) => testing.parseDrmFdinfo(text);

describe('DRM fdinfo parser', () => {
  it('amdgpu: engines in ns, memory resident per placement, the legacy drm-memory-* aliases not added twice', () => {
    const c = parse(
      amdgpu({ clientId: 42, gfxNs: 123_456_789, computeNs: 5, vramKiB: 1024 * 1024, gttKiB: 8192 }),
    );
    expect(c).toMatchObject({ driver: 'amdgpu', pdev: '0000:03:00.0', client_id: 42 });
    expect(c.engines).toEqual({
      gfx: { busy_ns: 123_456_789, cycles: null, total_cycles: null, maxfreq_hz: null, capacity: 1 },
      compute: { busy_ns: 5, cycles: null, total_cycles: null, maxfreq_hz: null, capacity: 1 },
    });
    expect(c.resident_bytes).toBe(1024 * MiB + 8 * MiB);
    expect(c.memory_bytes).toBe(c.resident_bytes);
  });

  it('amdgpu before drm-resident-*: the legacy drm-memory-* keys are the resident memory', () => {
    const c = parse(amdgpu({ clientId: 7, gfxNs: 1, vramKiB: 2048, gttKiB: 100, legacyOnly: true }));
    expect(c.resident_bytes).toBe(2148 * KiB);
    expect(c.total_bytes).toBeNull();
  });

  it('i915: an engine group of capacity 2; a capacity alone is not an engine', () => {
    const c = parse(i915({ clientId: 22, renderNs: 196_329_331, videoNs: 10, systemKiB: 6044 }));
    expect(Object.keys(c.engines).sort()).toEqual(['copy', 'render', 'video', 'video-enhance']);
    expect(c.engines.video).toMatchObject({ busy_ns: 10, capacity: 2 });
    expect(c.engines.render).toMatchObject({ busy_ns: 196_329_331, capacity: 1 });
    expect(c.resident_bytes).toBe(6044 * KiB);
    expect(c.total_bytes).toBe(6044 * KiB);
  });

  it('xe: busy cycles with the GPU timestamp of each engine, capacities, regions in bytes and KiB', () => {
    const c = parse(
      xe({ clientId: 3, rcsCycles: 28_257_900, totalCycles: 7_655_183_225, ccsCycles: 9, vram0KiB: 23_992 }),
    );
    expect(c.engines.rcs).toEqual({
      busy_ns: null,
      cycles: 28_257_900,
      total_cycles: 7_655_183_225,
      maxfreq_hz: null,
      capacity: 1,
    });
    expect(c.engines.ccs).toMatchObject({ cycles: 9, capacity: 4 });
    expect(c.engines.vcs).toMatchObject({ capacity: 2 });
    expect(c.resident_bytes).toBe(192 * KiB + 23_992 * KiB);
  });

  it('panfrost: cycles with a maximum frequency in Hz', () => {
    const c = parse(panfrost(1_424_359_409));
    expect(c.engines.fragment).toMatchObject({
      busy_ns: 1_846_584_880,
      cycles: 1_424_359_409,
      maxfreq_hz: 799_999_987,
    });
    expect(c.resident_bytes).toBe(36_496 * KiB);
    expect(c.total_bytes).toBe(290 * MiB);
  });

  it('missing keys: no drm-driver is no client; no client id is null; units it does not know are not guessed', () => {
    expect(parse('pos:\t0\nflags:\t02\nmnt_id:\t26\nino:\t284\n').driver).toBe('');
    expect(parse('drm-engine-render:\t5 ns\n').driver).toBe('');
    const c = parse(
      [
        'drm-driver:\tv3d',
        'drm-engine-bin:\t17 ns',
        'drm-engine-render:\t9 us', // not ns: ignored
        'drm-engine-capacity-bin:\t0', // zero is not allowed: one engine
        'drm-total-memory:\t3 TiB', // no such unit in the spec
        'drm-resident-memory:\t4096',
        'this line has no key value pair',
        'drm-client-id:\tnot-a-number',
      ].join('\n'),
    );
    expect(c.client_id).toBeNull();
    expect(c.pdev).toBe('');
    expect(c.engines).toEqual({
      bin: { busy_ns: 17, cycles: null, total_cycles: null, maxfreq_hz: null, capacity: 1 },
    });
    expect(c.total_bytes).toBeNull();
    expect(c.resident_bytes).toBe(4096);
  });
});
