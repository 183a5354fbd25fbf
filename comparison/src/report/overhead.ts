/** Report section of scenario 4 (per-operation overhead). */
import type { OverheadData } from '../scenarios/overhead.js';
import { NA, num, sig, spreadCell, table, times } from './markdown.js';

export function overheadSection(d: OverheadData): string {
  const variants = [...new Set(d.rows.map((r) => r.variant))];
  const row = (variant: string, fn: string) => d.rows.find((r) => r.variant === variant && r.fn === fn);
  const otel = (fn: string) => row('otel', fn)?.overhead_us.median ?? null;
  const rows = variants.map((v) => {
    const e = row(v, 'empty');
    const b = row(v, 'busy-1ms');
    const vsOtel = (fn: string, r: typeof e) =>
      v === 'bare' || v === 'otel' || !r || !otel(fn)
        ? NA
        : times((r.overhead_us.median ?? Number.NaN) / otel(fn)!);
    return [
      e?.label ?? b?.label ?? v,
      spreadCell(e?.per_call_us, sig),
      v === 'bare' ? NA : spreadCell(e?.overhead_us, sig),
      v === 'bare' ? NA : spreadCell(e?.ratio_to_bare, (x) => `${sig(x)}×`),
      vsOtel('empty', e),
      spreadCell(b?.per_call_us, sig),
      v === 'bare' ? NA : spreadCell(b?.ratio_to_bare, (x) => `${num(x, 3)}×`),
    ];
  });
  const core = d.core_perf;
  const coreLine = core
    ? `Cross-check, \`@llmmon/core\`'s own measurement (\`${core.source}\`, written ${core.written}; empty function, overhead median): ` +
      (core.results as { name?: string; overhead_median_us?: number; error?: string }[])
        .map(
          (r) =>
            `${r.name}: ${r.error ? `error (${r.error})` : `${num(r.overhead_median_us ?? null, 1)} µs`}`,
        )
        .join('; ') +
      '.'
    : "`@llmmon/core`'s own overhead measurement has no result to cross-check.";
  return [
    `The same call bare and wrapped, interleaved: ${d.options.rounds} rounds, each running every variant ` +
      `(shuffled order) ${d.options.calls.empty} times around an empty async function and ${d.options.calls.busy} ` +
      `times around one that computes for 1 ms; ${d.threads} threads in the process. Per round the median time ` +
      'per call; shown: median [p25–p75] over rounds of that, of the overhead (variant − bare, same round) ' +
      "and of the ratio to the bare call. The OpenTelemetry span is `@opentelemetry/sdk-trace-base`'s " +
      'BasicTracerProvider with a BatchSpanProcessor (default batching) into an in-memory exporter, the ' +
      'async-hooks context manager, `startActiveSpan` with three attributes. llmmon records a whole operation ' +
      'record (time, process and per-thread CPU, RSS start/end/peak, system CPU/memory) per call; the span records ' +
      'times and attributes only.',
    '',
    table(
      [
        'variant',
        'empty fn: µs per call',
        'overhead, µs',
        '× bare',
        "overhead ÷ OTel span's",
        '1 ms fn: µs per call',
        '× bare',
      ],
      rows,
    ),
    '',
    coreLine,
  ].join('\n');
}
