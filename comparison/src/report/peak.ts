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
    String(t.no_reading),
    spreadCell(t.peak_error_percent, (x) => `${num(x, 1)} %`),
    ref && ref.caught > 0 ? times(t.caught / ref.caught) : NA,
  ]);
  return [
    `${o.spikes} spikes of +${bytes(o.bytes)} (every page written), each held ${o.holdMs} ms, ` +
      `${o.spikes / 2} of them made by the main thread inside one synchronous call (event loop blocked), ` +
      `${o.spikes / 2} by a worker thread while the event loop is free; seeded random order and pauses of ` +
      `${o.gapMs[0]}–${o.gapMs[1]} ms. Every tool watches the same spikes at the same time. A spike, from ` +
      `the first byte written to the unmap, lasted ${spreadCell(d.spike_seconds, (x) => `${num(1000 * x, 0)} ms`)} ` +
      '(median [p25–p75]; writing the pages takes longer than the hold).',
    '',
    'Truth = RSS read right before the spike + the bytes written. **Caught** = the highest RSS the tool ' +
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
        'no reading',
        'peak error',
        'caught ÷ llmmon 1 kHz',
      ],
      rows,
    ),
  ].join('\n');
}
