/** Report section of scenario 1 (peak capture). */
import type { PeakData, PeakToolResult } from '../scenarios/peak.js';
import { bytes, NA, num, percent, spreadCell, table, times } from './markdown.js';

const caughtCell = (t: PeakToolResult) =>
  `${t.caught}/${t.spikes} (${percent(t.caught / t.spikes)}; ${percent(t.caught_low)}–${percent(t.caught_high)})`;

export function peakSection(d: PeakData): string {
  const o = d.options;
  const ref = d.tools.find((t) => t.id === 'llmmon-1ms');
  const rows = d.tools.map((t) => [
    t.label,
    num(t.rate_hz, t.rate_hz < 10 ? 1 : 0),
    caughtCell(t),
    `${t.blocked.caught}/${t.blocked.spikes}`,
    `${t.free.caught}/${t.free.spikes}`,
    t.ideal_caught != null ? `${num(t.ideal_caught, 0)}/${t.spikes}` : NA,
    String(t.no_reading),
    spreadCell(t.peak_error_percent, (x) => `${num(x, 1)} %`),
    ref && ref.caught > 0 ? times(t.caught / ref.caught) : NA,
  ]);
  const ms = (x: number) => `${num(1000 * x, 1)} ms`;
  const bins = d.bins_ms.map((_, b) => b).filter((b) => d.tools.some((t) => t.by_above[b]!.spikes > 0));
  const binName = (b: number) => {
    const [lo, hi] = d.bins_ms[b]!;
    return Number.isFinite(hi) ? `${lo}–${hi} ms` : `≥ ${lo} ms`;
  };
  return [
    `${o.spikes} spikes of +${bytes(o.bytes)}, each meant to stay above 90 % of its peak for ${o.aboveMs} ms, ` +
      `${o.spikes / 2} of them made by the main thread inside one synchronous call (event loop blocked), ` +
      `${o.spikes / 2} by a worker thread while the event loop is free; seeded random order and pauses of ` +
      `${o.gapMs[0]}–${o.gapMs[1]} ms. Every tool watches the same spikes at the same time.`,
    '',
    '**What the spikes were, measured.** The pages were written once at the start (a memfd); a spike maps them ' +
      `into the process in ${o.chunks} chunks (RSS counts mapped pages, as it counts a model's mmapped weights), ` +
      'holds, and unmaps them, with a timestamp after each chunk: freshly allocated memory costs a page fault per ' +
      '4 KiB, which on some VMs stretches 256 MiB to a second. Time ≥ 90 % of the peak (what a reading needs to ' +
      `count as caught): **${spreadCell(d.above_seconds, ms)}** certainly, ${spreadCell(d.above_max_seconds, ms)} at most ` +
      `(each crossing known within one chunk); the whole spike, first chunk in to last out, ${spreadCell(d.spike_seconds, ms)}. ` +
      `The hold was calibrated from the spikes before each one: ${spreadCell(d.hold_ms, (x) => `${num(x, 1)} ms`)}.`,
    '',
    'Truth = RSS read right before the spike + the bytes mapped. **Caught** = the highest RSS the tool ' +
      'read inside the spike is within 10 % of the truth (95 % Wilson interval in brackets). **Peak error** = ' +
      '(that reading − truth) ÷ truth, over the spikes the tool has a reading of. One larger spike first ' +
      "lifts the kernel's high-water mark (VmHWM), so llmmon's windows get nothing from it: its figures " +
      'come from its ticks alone.',
    '',
    table(
      [
        'tool',
        'readings/s',
        'caught',
        'loop blocked',
        'loop free',
        'ideal poller at its rate',
        'no reading',
        'peak error',
        'caught ÷ llmmon 1 kHz',
      ],
      rows,
    ),
    '',
    '**Ideal poller at its rate** = Σ min(1, time above × readings/s): what a tool reading at exactly that ' +
      'rate would catch of these spikes, so a figure far above it means the spikes lasted longer than claimed. ' +
      '**Caught by the measured time above 90 %** (certain bracket), for every bin that has spikes:',
    '',
    table(
      ['tool', ...bins.map(binName)],
      d.tools.map((t) => [t.label, ...bins.map((b) => `${t.by_above[b]!.caught}/${t.by_above[b]!.spikes}`)]),
    ),
  ].join('\n');
}
