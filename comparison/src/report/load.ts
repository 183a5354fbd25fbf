/** Report section of scenario 7 (the load generator against autocannon). */
import type { LoadData } from '../scenarios/load.js';
import { NA, num, sig, spreadCell, table, times } from './markdown.js';

const msCell = (s: Parameters<typeof spreadCell>[0]) => spreadCell(s, (x) => num(x, 2));

export function loadSection(d: LoadData): string {
  const o = d.options;
  const throughput = d.levels.map((l) => {
    const a = l.autocannon.requests_per_second.median;
    const m = l.llmmon.requests_per_second.median;
    return [
      String(l.concurrency),
      num(l.ceiling_rps, 0),
      spreadCell(l.autocannon.requests_per_second, (x) => num(x, 0)),
      spreadCell(l.llmmon.requests_per_second, (x) => num(x, 0)),
      a && m ? times(m / a) : NA,
      spreadCell(l.autocannon.cpu_us_per_request, sig),
      spreadCell(l.llmmon.cpu_us_per_request, sig),
      `${num(l.autocannon.server_served_ratio.median, 2)} / ${num(l.llmmon.server_served_ratio.median, 2)}`,
      `${l.autocannon.errors} / ${l.llmmon.errors}`,
    ];
  });
  const latency = d.levels.map((l) => [
    String(l.concurrency),
    `${msCell(l.server_ttft_p50_ms)} / ${msCell(l.server_ttft_p99_ms)}`,
    `${msCell(l.llmmon.ttft_p50_ms)} / ${msCell(l.llmmon.ttft_p99_ms)}`,
    `${msCell(l.llmmon.ttft_added_p50_ms)} / ${msCell(l.llmmon.ttft_added_p99_ms)}`,
    `${msCell(l.llmmon.latency_p50_ms)} / ${msCell(l.llmmon.latency_p99_ms)}`,
    `${msCell(l.autocannon.latency_p50_ms)} / ${msCell(l.autocannon.latency_p99_ms)}`,
  ]);
  return [
    `Is \`llmmon load\` the bottleneck of its own measurements? It and autocannon load the same trivial ` +
      `streaming server in turn (its own process: headers at once, then ${num(o.ttftMs, 0)} ms after the request ` +
      `the whole answer, ${o.tokens} content chunks, in one write) for ${o.seconds} s per level, ${o.rounds} rounds ` +
      'in a shuffled order, each tool in its own process as a user runs it (`llmmon load -c N -d S --no-store`, ' +
      '`autocannon -c N -d S -j`). On a 2-core machine the server and the tool share the cores, so a tool that ' +
      "spends more CPU per request leaves the server less: the CPU per request column (the process's CPU less " +
      `what a run of one request costs it: ${num(d.startup_cpu?.llmmon_ms, 0)} ms for llmmon load, ` +
      `${num(d.startup_cpu?.autocannon_ms, 0)} ms for autocannon, ÷ the requests the server served) says who runs out first. ` +
      '**Ceiling** = concurrency ÷ TTFT (a client that adds nothing). **Served ÷ sent** = requests the server ' +
      "answered while the tool ran ÷ the tool's count (≈ 1; above 1 by llmmon load's warm-up requests, which it " +
      'does not count, and the requests in flight when a tool stops).',
    '',
    table(
      [
        'in flight',
        'ceiling, req/s',
        'autocannon, req/s',
        'llmmon load, req/s',
        'llmmon ÷ autocannon',
        'autocannon CPU µs/request',
        'llmmon load CPU µs/request',
        'served ÷ sent (autocannon / llmmon)',
        'errors (autocannon / llmmon)',
      ],
      throughput,
    ),
    '',
    "**TTFT under that load**, ms, p50 / p99 per level (median over rounds): the server's own (body received → " +
      "first token written, its timer's lateness included), what `llmmon load` measured, and the difference: " +
      'what the load generator adds to every TTFT it reports. autocannon times whole responses only, shown ' +
      "beside llmmon's end-to-end latency.",
    '',
    table(
      [
        'in flight',
        'server TTFT',
        'llmmon load TTFT',
        'added by llmmon load',
        'llmmon load E2EL',
        'autocannon latency',
      ],
      latency,
    ),
  ].join('\n');
}
