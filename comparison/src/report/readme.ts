/**
 * The README's headline table, generated from the same run as `docs/benchmarks.md`: each row
 * states its condition as measured (the spikes' measured time above 90 %, the thread count, the
 * dataset's size), the header states the machine and the run, and each comparison is a ratio
 * (the one figure that carries over to another machine). Written between the README's
 * `<!-- benchmarks:headline -->` and `<!-- /benchmarks:headline -->` markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from '../lib/results.js';
import { llmmonCostRow } from './cost.js';
import { errorRatioText } from './error-ratio.js';
import type { Results } from './headlines.js';
import { NA, num, percent, sig, table, times } from './markdown.js';

export const README_PATH = fileURLToPath(new URL('../../../README.md', import.meta.url));
export const HEADLINE_START = '<!-- benchmarks:headline -->';
export const HEADLINE_END = '<!-- /benchmarks:headline -->';

const ms = (seconds: number | null | undefined) => (seconds == null ? NA : `${num(1000 * seconds, 0)} ms`);

/** The table's rows: [what, condition, llmmon, alternative, ratio]. */
export function headlineRows(r: Results): string[][] {
  const rows: string[][] = [];
  const peak = r.peak?.data;
  if (peak) {
    const get = (id: string) => peak.tools.find((t) => t.id === id || t.id.startsWith(id));
    const l1 = get('llmmon-1ms');
    const l10 = get('llmmon-10ms');
    const ps = get('psutil-100ms');
    const js = get('js-timer');
    const share = (t: typeof l1) => (t ? percent(t.caught / t.spikes) : NA);
    rows.push([
      'RSS spikes caught (peak within 10 %)',
      `+${num(peak.options.bytes / 2 ** 20, 0)} MiB, measured ${ms(peak.above_seconds.median)} above 90 % of peak (median), ` +
        `${peak.options.spikes} spikes, half with the event loop blocked`,
      `${share(l1)} at 1 kHz, ${share(l10)} at 100 Hz`,
      `psutil @ 100 ms ${share(ps)} (an ideal poller at its rate: ${ps ? percent(ps.ideal_caught / ps.spikes) : NA}); ` +
        `JS timer, loop blocked ${js ? percent(js.blocked.caught / js.blocked.spikes) : NA}`,
      l1 && ps && ps.caught > 0 ? `${times(l1.caught / ps.caught)} psutil's catch` : NA,
    ]);
  }
  const cpu = r.cpu?.data;
  if (cpu) {
    const i = cpu.options.cases.findIndex((c) => c.cpuMs <= 50 && c.threads === 1);
    const l = cpu.tools.find((t) => t.id === 'llmmon-1ms')?.thread?.[i]?.abs_error_pp.median;
    const ps = cpu.tools.find((t) => t.id === 'psutil-100ms')?.thread?.[i]?.abs_error_pp.median;
    rows.push([
      'CPU attributed to the thread that used it, error (percentage points of a core)',
      (cpu.burned_ms
        ? `1 thread burning ${num(cpu.burned_ms[i]?.median, 1)} ms of CPU (measured), `
        : `1 thread burning ${num(cpu.options.cases[i]?.cpuMs, 0)} ms of CPU, `) +
        `${cpu.options.cases[i]?.windows ?? NA} operations`,
      l == null ? NA : l < 0.01 ? '< 0.01 pp' : `${num(l, 2)} pp`,
      `psutil @ 100 ms ${num(ps ?? null, 1)} pp`,
      `psutil's error ${errorRatioText(ps, l)} llmmon's`,
    ]);
  }
  const store = r.store?.data;
  if (store) {
    const q = (m: string) => store.queries.find((x) => x.method === m)?.seconds.median ?? null;
    const duck = q('duckdb');
    const sqlite = q('sqlite-window');
    const json = q('json');
    rows.push([
      'p95 duration per model per run',
      `${sig(store.operations / 1e6)} million operations in ${store.options.runs} runs, same tables and indexes`,
      `${sig(duck)} s (DuckDB)`,
      `better-sqlite3 ${sig(sqlite)} s; JSON files ${sig(json)} s`,
      duck ? `${times((sqlite ?? Number.NaN) / duck)} / ${times((json ?? Number.NaN) / duck)} faster` : NA,
    ]);
  }
  const ov = r.overhead?.data;
  if (ov) {
    const row = (v: string, fn = 'empty') => ov.rows.find((x) => x.variant === v && x.fn === fn);
    const full = row('llmmon-native')?.overhead_us.median ?? null;
    const light = row('llmmon-native-light')?.overhead_us.median ?? null;
    const otel = row('otel')?.overhead_us.median ?? null;
    const busy = row('llmmon-native', 'busy-1ms')?.ratio_to_bare.median ?? null;
    rows.push([
      'overhead per tracked call',
      `empty async call, ${ov.threads} threads in the process; journal off`,
      `${sig(full)} µs; \`light\` ${sig(light)} µs; a 1 ms call takes ${num(busy, 3)}× as long`,
      `an OpenTelemetry span ${sig(otel)} µs`,
      otel
        ? `${times((full ?? Number.NaN) / otel)} a span (\`light\` ${times((light ?? Number.NaN) / otel)})`
        : NA,
    ]);
  }
  const cost = r.cost?.data;
  if (cost) {
    const c = llmmonCostRow(cost, 1, cost.options.threads);
    const pct = (id: string) => cost.rows.find((x) => x.id === id)?.percent_of_core.median ?? null;
    const ps100Rate = cost.rows.find((x) => x.id === 'psutil-100ms')?.rate_hz.median ?? Number.NaN;
    const idle = cost.rows.find((x) => x.id.startsWith('llmmon-idle'))?.percent_of_core.median ?? null;
    const ps100 = pct('psutil-100ms');
    rows.push([
      'sampler cost, % of one core',
      `${c?.threads ?? NA} threads; llmmon at 1 kHz while operations run, idle between them`,
      `${num(c?.sampler_thread_percent_of_core, 2)} % at 1 kHz; ${num(idle, 2)} % idle`,
      `psutil @ 100 ms ${num(ps100, 2)} %, @ 10 ms ${num(pct('psutil-10ms'), 2)} %`,
      c && ps100
        ? `${times(c.sampler_thread_percent_of_core / ps100)} psutil @ 100 ms (with ${times(c.rate_hz / ps100Rate)} its readings)`
        : NA,
    ]);
  }
  const load = r.load?.data;
  const top = load?.levels.at(-1);
  if (load && top) {
    const l = top.llmmon.requests_per_second.median;
    const a = top.autocannon.requests_per_second.median;
    rows.push([
      '`llmmon load` as a load generator',
      `trivial streaming server (${num(load.options.ttftMs, 0)} ms TTFT, its own process), ${top.concurrency} requests in flight, same run`,
      `${num(l, 0)} requests/s; adds ${num(top.llmmon.ttft_added_p50_ms.median, 1)} ms to TTFT (p50)`,
      `autocannon ${num(a, 0)} requests/s`,
      a && l ? `${times(l / a)} autocannon's rate` : NA,
    ]);
  }
  return rows;
}

/** The whole table, with the machine and the run in its header. */
export function headlineTable(r: Results, run: ScenarioResult | null): string {
  const any = Object.values(r).find(Boolean) as ScenarioResult | undefined;
  const m = (run ?? any)?.machine;
  const machine = m
    ? `${m.cores}-core ${m.cpu_model ?? 'CPU'}, ${num(m.memory_bytes / 2 ** 30, 0)} GiB, Node ${m.node}`
    : NA;
  const when = run ? `${run.date.slice(0, 10)}, load ${num(run.machine.loadavg[0], 1)}` : NA;
  return table(
    [
      `llmmon against the alternatives: one \`pnpm bench\` run (${machine}; ${when}; [docs/benchmarks.md](docs/benchmarks.md))`,
      'condition (measured)',
      'llmmon',
      'alternative',
      'ratio',
    ],
    headlineRows(r),
    ['l', 'l', 'l', 'l', 'l'],
    true,
  );
}

/** Replaces the table between the markers of `text`. @throws Error when a marker is missing. */
export function replaceHeadline(text: string, tableText: string): string {
  const a = text.indexOf(HEADLINE_START);
  const b = text.indexOf(HEADLINE_END);
  if (a < 0 || b < a)
    throw new Error(`README: no ${HEADLINE_START} … ${HEADLINE_END} markers to write the headline between`);
  return `${text.slice(0, a + HEADLINE_START.length)}\n${tableText}\n${text.slice(b)}`;
}

/** Rewrites the README's headline table; returns its path. */
export function writeReadmeHeadline(r: Results, run: ScenarioResult | null, file = README_PATH): string {
  writeFileSync(file, replaceHeadline(readFileSync(file, 'utf8'), headlineTable(r, run)));
  return file;
}
