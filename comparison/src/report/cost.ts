/** Report section of scenario 3 (sampler cost). */
import type { CostData } from '../scenarios/cost.js';
import { NA, num, sig, spreadCell, table, times } from './markdown.js';

/** llmmon's row at `intervalMs` with the thread count nearest to `threads`. */
export function llmmonCostRow(d: CostData, intervalMs: number, threads: number) {
  const rows = d.llmmon.rows.filter((r) => r.interval_ms === intervalMs);
  return rows.sort((a, b) => Math.abs(a.threads - threads) - Math.abs(b.threads - threads))[0] ?? null;
}

export function costSection(d: CostData): string {
  const ref = llmmonCostRow(d, 1, d.options.threads);
  const rate = (hz: number | null) => (hz == null ? NA : hz >= 100 ? num(hz, 0) : num(hz, 1));
  let derived = false;
  const comparators = d.rows.map((r) => {
    // An in-process A/B difference within its own noise (its quartiles straddle 0) says nothing
    // about one reading: take the per-reading cost of the same tool's fastest run instead.
    const fastest = d.rows.find((x) => x.role === 'fastest' && x.id.split('-')[0] === r.id.split('-')[0]);
    const noisy = r.where === 'in-process' && (r.percent_of_core.p25 ?? 1) <= 0 && fastest && fastest !== r;
    const perReading = noisy ? (fastest.cpu_per_sample_us.median ?? null) : r.cpu_per_sample_us.median;
    if (noisy) derived = true;
    return [
      r.label,
      r.where,
      r.role === 'usual' ? 'usual rate' : 'fastest try',
      spreadCell(r.rate_hz, (x) => rate(x)),
      noisy ? `≈ ${sig(perReading)} ¹` : spreadCell(r.cpu_per_sample_us, (x) => sig(x)),
      noisy
        ? `≈ ${num(((perReading ?? Number.NaN) * (r.rate_hz.median ?? Number.NaN)) / 1e4, 3)} ¹`
        : spreadCell(r.percent_of_core, (x) => num(x, x < 1 ? 3 : 2)),
      ref ? times((perReading ?? Number.NaN) / ref.cpu_per_tick_us) : NA,
    ];
  });
  const llmmonRows = d.llmmon.rows.map((r) => [
    String(r.threads),
    r.interval_ms === 1 ? '1 kHz' : `${num(1000 / r.interval_ms, 0)} Hz`,
    rate(r.rate_hz),
    num(r.cpu_per_tick_us, 1),
    num(r.sampler_thread_percent_of_core, 2),
    num(r.process_ab_percent_of_core, 2),
    r.open_close ? `${num(r.open_close.p50_us, 1)} / ${num(r.open_close.p99_us, 1)}` : NA,
  ]);
  return [
    `Each tool alone, ${d.options.seconds} s per measurement, ${d.options.rounds} rounds, ` +
      `${d.rows[0]?.threads ?? d.options.threads} threads in the process (idle native threads fill up to ~${d.options.threads}). ` +
      "Outside (psutil, reading `memory_info`, `cpu_times` and `threads()` each time): the poller process's own " +
      'CPU time. In-process: this process with the tool polling minus without it (A/B, same length), plus the ' +
      'CPU of the child processes it starts (systeminformation runs `ps` and a shell each time). ' +
      'systeminformation caches `processes()` for 500 ms, so 500 ms is the fastest it really reads.',
    '',
    table(
      [
        'tool',
        'where',
        'rate asked',
        'readings/s',
        'CPU per reading, µs',
        '% of one core',
        `per reading ÷ llmmon's tick (${ref ? `${ref.threads} threads, 1 kHz` : NA})`,
      ],
      comparators,
    ),
    ...(derived
      ? [
          '',
          '¹ At this rate the A/B difference is within its noise (quartiles on both sides of 0): the per-reading ' +
            "cost is the same tool's fastest run's, and the share of a core is that × the readings per second.",
        ]
      : []),
    '',
    `llmmon's native sampler, from its own measurement (\`${d.llmmon.source}\`, written ${d.llmmon.written}` +
      `${d.llmmon.seconds_per_measurement ? `; ${d.llmmon.seconds_per_measurement} s per measurement, median of ${d.llmmon.rounds}` : ''}): ` +
      "every tick reads the process CPU clock and RSS; every 10th (10 ms) also every thread's CPU clock, so its " +
      "CPU per tick is an average over both kinds (the comparators' column above divides by it). " +
      '"Sampler thread" ' +
      'is the sampling thread\'s own CPU clock; "process A/B" is the process with minus without the sampler.',
    '',
    table(
      [
        'threads',
        'rate asked',
        'ticks/s',
        'CPU per tick, µs',
        'sampler thread, % of one core',
        'process A/B, % of one core',
        'openWindow+closeWindow p50 / p99, µs',
      ],
      llmmonRows,
    ),
  ].join('\n');
}
