/**
 * The macOS energy rules (src/native/apple_energy_rules.cpp): which IOReport "Energy Model"
 * channels count for CPU, GPU, ANE and DRAM, unit labels, differencing, and the thermal flag.
 * Ground truth: an M1 Ultra's published channel list and one published sample, whose watts
 * another tool (all-smi) derived independently.
 */
import { describe, expect, it } from 'vitest';
import { apple, fixture, only } from './apple-rules.ts';

interface IoReportFixture {
  group: string;
  channels: { channel: string; unit: string }[];
  sample_054: {
    deltas: Record<string, number>;
    publication_span_ms: { mJ: number; nJ: number };
    published_watts: { cpu: number; gpu: number; ane: number; dram: number };
  };
}
const ultra = JSON.parse(fixture('ioreport-m1-ultra.json')) as IoReportFixture;
const unitOf = new Map(ultra.channels.map((c) => [c.channel, c.unit]));

describe('IOReport Energy Model channels', () => {
  it("reproduces all-smi's published watts for an M1 Ultra sample", () => {
    const step = Object.entries(ultra.sample_054.deltas).map(([channel, delta]) => ({
      group: ultra.group,
      channel,
      unit: unitOf.get(channel) ?? '?',
      delta,
    }));
    const totals = only(apple.appleEnergy([step]));
    // Both dies' CPU; "GPU Energy" (nJ) only, not GPU0_0 (mJ, the same energy); both dies' ANE and DRAM.
    expect(totals.cpu).toBe((23296 + 2033) * 1000);
    expect(totals.gpu).toBe(Math.floor(31385200 / 1000));
    expect(totals.ane).toBe((281 + 31) * 1000);
    expect(totals.dram).toBe((3392 + 3341) * 1000);
    expect(totals.ignored).toEqual(['GPU0_0']);
    const { mJ, nJ } = ultra.sample_054.publication_span_ms;
    const watts = (uj: number | null, ms: number) => (uj ?? Number.NaN) / 1e6 / (ms / 1e3);
    const published = ultra.sample_054.published_watts;
    expect(watts(totals.cpu, mJ)).toBeCloseTo(published.cpu, 1);
    expect(watts(totals.gpu, nJ)).toBeCloseTo(published.gpu, 1);
    expect(watts(totals.ane, mJ)).toBeCloseTo(published.ane, 1);
    expect(watts(totals.dram, mJ)).toBeCloseTo(published.dram, 1);
  });

  it('every channel of the list lands in one domain or none', () => {
    const step = ultra.channels.map(({ channel, unit }) => ({ group: ultra.group, channel, unit, delta: 1 }));
    const t = only(apple.appleEnergy([step]));
    expect(t.ignored.sort()).toEqual(
      [
        'PCPU1DTL2b',
        'PCPU1DTL3e',
        'GPU0_0',
        'GPU SRAM0_0',
        'ISP0_0',
        'AVE0_0',
        'MSR0_0',
        'DCS0_0',
        'AMCC0_0',
        'ISP0_1',
        'AVE0_1',
        'MSR0_1',
        'DCS0_1',
        'AMCC0_1',
        'apciec2 Energy',
        'PCIe Port 0 Energy',
      ].sort(),
    );
    expect(t).toMatchObject({ cpu: 2000, gpu: 0, ane: 2000, dram: 2000 });
  });

  it('single-die names (M1-M3 base, Pro, Max; macmon)', () => {
    const names = [
      'CPU Energy',
      'EACC_CPU',
      'PACC0_CPU',
      'GPU Energy',
      'GPU0',
      'GPU SRAM0',
      'ANE',
      'ANE0',
      'DRAM0',
    ];
    const t = only(
      apple.appleEnergy([names.map((channel) => ({ group: 'Energy Model', channel, unit: 'mJ', delta: 3 }))]),
    );
    expect(t).toMatchObject({ cpu: 3000, gpu: 3000, ane: 6000, dram: 3000 });
    expect(t.ignored).toEqual(['EACC_CPU', 'PACC0_CPU', 'GPU0', 'GPU SRAM0']);
  });

  it('deltas add up across samples; nJ fractions are kept; a negative delta adds nothing', () => {
    const gpu = (delta: number) => [{ group: 'Energy Model', channel: 'GPU Energy', unit: 'nJ', delta }];
    const steps = apple.appleEnergy([gpu(600), gpu(600), gpu(-5000), gpu(1)]);
    expect(steps.map((s) => s.gpu)).toEqual([0, 1, 1, 1]); // 0.6, 1.2, 1.2, 1.201 µJ
  });

  it('unknown units, other groups and absent domains: not counted, null', () => {
    const t = only(
      apple.appleEnergy([
        [
          { group: 'Energy Model', channel: 'CPU Energy', unit: 'kWh', delta: 1 },
          { group: 'CPU Stats', channel: 'GPU Energy', unit: 'nJ', delta: 9 },
        ],
      ]),
    );
    expect(t).toMatchObject({ cpu: null, gpu: null, ane: null, dram: null });
    expect(t.ignored).toEqual(['CPU Energy', 'GPU Energy']);
  });
});

describe('thermal pressure', () => {
  it('nominal is unthrottled; moderate and above set the throttle flag', () => {
    expect([0, 1, 2, 3, 4, 9].map((l) => apple.appleThermal(l))).toEqual([
      { throttles: false, name: 'nominal' },
      { throttles: true, name: 'moderate' },
      { throttles: true, name: 'heavy' },
      { throttles: true, name: 'trapping' },
      { throttles: true, name: 'sleeping' },
      { throttles: true, name: 'unknown' },
    ]);
  });
});
