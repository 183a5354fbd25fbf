import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../lib/machine.js';
import type { ScenarioResult } from '../lib/results.js';
import { ABOVE_BINS_MS } from '../lib/spike-timing.js';
import { spread } from '../lib/stats.js';
import type { CostData } from '../scenarios/cost.js';
import type { LoadData } from '../scenarios/load.js';
import type { PeakData, PeakToolResult } from '../scenarios/peak.js';
import type { StoreData } from '../scenarios/store.js';
import { renderReport } from './generate.js';
import { headlines, type Results } from './headlines.js';
import { HEADLINE_END, HEADLINE_START, headlineTable, replaceHeadline } from './readme.js';

const machine: MachineInfo = {
  cpu_model: 'Test CPU',
  cores: 2,
  memory_bytes: 8 * 2 ** 30,
  platform: 'linux-x64',
  kernel: '6.0',
  node: '20.20.2',
  loadavg: [0.5, 0.5, 0.5],
};

function envelope<T>(scenario: string, data: T): ScenarioResult<T> {
  return {
    scenario,
    date: '2026-01-02T03:04:05.000Z',
    command: `pnpm --filter @llmmon/comparison comparison:${scenario}`,
    machine,
    loadavg_end: 0.6,
    wall_seconds: 12,
    data,
  };
}

const tool = (id: string, caught: number, blockedCaught: number): PeakToolResult => ({
  id,
  label: id,
  interval_ms: 1,
  rate_hz: 1000,
  caught,
  spikes: 200,
  caught_low: 0.9,
  caught_high: 1,
  blocked: { caught: blockedCaught, spikes: 100 },
  free: { caught: caught - blockedCaught, spikes: 100 },
  no_reading: 200 - caught,
  peak_error_percent: spread([0.1, 0.2, 0.3]),
  by_above: [
    { caught: 0, spikes: 0 },
    { caught: caught - 1, spikes: 199 },
    { caught: 1, spikes: 1 },
    { caught: 0, spikes: 0 },
    { caught: 0, spikes: 0 },
    { caught: 0, spikes: 0 },
  ],
  ideal_caught: 50,
});

const peak: PeakData = {
  options: {
    spikes: 200,
    bytes: 256 * 2 ** 20,
    aboveMs: 20,
    chunks: 16,
    warmup: 5,
    gapMs: [40, 120],
    seed: 7,
  },
  spike_seconds: spread([0.05, 0.06, 0.07]),
  above_seconds: spread([0.019, 0.02, 0.021]),
  above_max_seconds: spread([0.024, 0.025, 0.026]),
  hold_ms: spread([9, 10, 11]),
  bins_ms: ABOVE_BINS_MS.map(([lo, hi]) => [lo, hi]),
  tools: [tool('llmmon-1ms', 200, 100), tool('psutil-100ms', 40, 20), tool('js-timer-10ms', 100, 0)],
};

const cost: CostData = {
  options: { seconds: 2, rounds: 3, threads: 10 },
  rows: [
    {
      id: 'psutil-100ms',
      label: 'psutil @ 100 ms',
      where: 'outside',
      role: 'usual',
      interval_ms: 100,
      threads: 11,
      rate_hz: spread([10, 10, 10]),
      cpu_per_sample_us: spread([400, 450, 500]),
      percent_of_core: spread([0.4, 0.45, 0.5]),
    },
  ],
  llmmon: {
    source: 'packages/sampler-native/perf/results/sampler-x.json',
    written: '2026-01-02T03:00:00.000Z',
    seconds_per_measurement: 2,
    rounds: 3,
    rows: [
      {
        threads: 12,
        interval_ms: 1,
        rate_hz: 990,
        sampler_thread_percent_of_core: 2.5,
        process_ab_percent_of_core: 2.6,
        cpu_per_tick_us: 25,
      },
      {
        threads: 12,
        interval_ms: 10,
        rate_hz: 99,
        sampler_thread_percent_of_core: 0.8,
        process_ab_percent_of_core: 0.8,
        cpu_per_tick_us: 80,
      },
    ],
  },
};

const query = (method: string, seconds: number[]) => ({
  method,
  label: method,
  seconds: spread(seconds),
  groups: 500,
  max_abs_diff: method === 'duckdb-stats' ? null : 0,
});

const store: StoreData = {
  options: {
    runs: 100,
    opsPerRun: 100_000,
    ingestRuns: 10,
    reps: { duckdb: 5, sqlite: 3, sqliteSlow: 2, json: 1 },
    seed: 1,
  },
  operations: 10_000_000,
  ingest: [
    {
      sink: 'duckdb',
      label: 'duckdb',
      seconds: 5,
      operations_per_second: 200_000,
      per_run_ops_per_second: spread([2e5, 2e5]),
    },
    {
      sink: 'sqlite',
      label: 'sqlite',
      seconds: 4,
      operations_per_second: 250_000,
      per_run_ops_per_second: spread([2.5e5]),
    },
  ],
  copy_seconds: { duckdb: 3, sqlite: 9, json: 1 },
  bytes: { duckdb: 6e8, sqlite: 2.5e9, json: 4e9 },
  sqlite_index_seconds: 20,
  queries: [
    query('duckdb', [0.5, 0.6, 0.55]),
    query('sqlite-window', [40, 42]),
    query('sqlite-offset-indexed', [2, 2.2, 2.1]),
  ],
  server_perf: null,
  live_ingest: {
    source: 'packages/server/perf/results/live-ingest-x.json',
    written: '2026-12-07T10:00:00.000Z',
    data: {
      clients: 20,
      batch_operations: 50,
      seconds: 20.04,
      operations_per_second: 13499,
      operations_lost: 0,
      latency_ms: { p50: 70.2, p99: 145.4 },
      machine: { cpus: 2, load_average_before: 1.72 },
    },
  },
};

const toolLevel = (rps: number) => ({
  requests_per_second: spread([rps, rps * 1.1]),
  server_served_ratio: spread([1, 1]),
  cpu_us_per_request: spread([300, 320]),
  latency_p50_ms: spread([11, 12]),
  latency_p99_ms: spread([20, 22]),
  errors: 0,
});

const load: LoadData = {
  options: { levels: [1, 64], seconds: 5, rounds: 2, ttftMs: 10, tokens: 16, seed: 5 },
  startup_cpu: { llmmon_ms: 900, autocannon_ms: 250 },
  levels: [1, 64].map((c) => ({
    concurrency: c,
    ceiling_rps: 100 * c,
    llmmon: {
      ...toolLevel(c === 1 ? 90 : 600),
      ttft_p50_ms: spread([12, 13]),
      ttft_p99_ms: spread([30, 31]),
      ttft_added_p50_ms: spread([1.5, 1.7]),
      ttft_added_p99_ms: spread([9, 10]),
    },
    autocannon: toolLevel(c === 1 ? 95 : 2400),
    server_ttft_p50_ms: spread([10.4, 10.5]),
    server_ttft_p99_ms: spread([20, 21]),
  })),
};

const results: Results = {
  peak: envelope('peak', peak),
  cost: envelope('cost', cost),
  store: envelope('store', store),
  load: envelope('load', load),
};

describe('headlines', () => {
  it('judges each target from the figures, and says "not measured" where a scenario is missing', () => {
    const h = headlines(results);
    expect(h.map((x) => x.met)).toEqual([true, null, false, true]);
    expect(h[0]!.measured).toContain('200/200');
    expect(h[2]!.measured).toContain('2.50 %');
    expect(h[3]!.measured).toMatch(/^74\.5× .*3\.82× against SQLite's fastest/);
  });
});

describe('renderReport', () => {
  const md = renderReport(results, null);

  it('has the machine, the commands, every section and the verdicts', () => {
    expect(md).toContain('| Test CPU | 2 | 8.00 GiB |');
    expect(md).toContain('pnpm bench');
    for (const title of [
      '1. Peak capture',
      '2. CPU attribution',
      '3. Sampler cost',
      '4. Per-operation overhead',
      '5. Run store',
      '6. Dashboard',
      '7. Load generator',
    ]) {
      expect(md).toContain(`## ${title}`);
    }
    expect(md).toContain(
      'Not measured in this run (`pnpm --filter @llmmon/comparison comparison:cpu` measures it alone',
    );
    expect(md).toContain('**not met**');
    expect(md).toContain(
      "20 clients, each posting 50-operation batches to one run one request at a time (as core's live push does) for 20 s, on the same machine as the server (2 CPUs, load average 1.72 before): 13,499 operations/s, batch latency p50 70 ms, p99 145 ms, 0 acknowledged operations lost.",
    );
  });

  it('states where llmmon is not ahead, with the figures', () => {
    expect(md).toContain('## Where llmmon is not ahead, and why');
    expect(md).toContain('above the 2 % target');
    expect(md).toMatch(/Ingest is slower than better-sqlite3 \(1\.25×\)/);
  });

  it('says where llmmon load is slower than autocannon, with the figures', () => {
    expect(md).toContain(
      'sustains less than autocannon against the same server**: 630 against 2,520 requests/s at 64 in flight (0.250×)',
    );
  });

  it('never prints a raw undefined or NaN', () => {
    expect(md).not.toMatch(/undefined|NaN/);
  });
});

describe('README headline', () => {
  const run = envelope('suite', { suite_seconds: 60, pnpm_bench_seconds: null, scenarios: [], results: {} });
  const text = headlineTable(results, run);

  it('states the machine and the run in its header, and each row its measured condition', () => {
    expect(text).toContain(
      'one `pnpm bench` run (2-core Test CPU, 8 GiB, Node 20.20.2; 2026-01-02, load 0.5;',
    );
    expect(text).toContain('+256 MiB, measured 20 ms above 90 % of peak (median), 200 spikes');
    expect(text).toContain('12 threads; llmmon at 1 kHz');
    expect(text).toContain('10.0 million operations in 100 runs');
  });

  it('compares as ratios', () => {
    expect(text).toContain('5.00× psutil'); // 200 caught ÷ psutil's 40
    expect(text).toContain('74.5× / — faster'); // better-sqlite3 41 s ÷ DuckDB 0.55 s; no JSON figure
    expect(text).toContain("0.250× autocannon's rate"); // 630 ÷ 2,520 req/s at 64 in flight
    expect(text).not.toMatch(/undefined|NaN/);
  });

  it('is written between the markers, and only there', () => {
    const readme = `# x\n\nbefore\n${HEADLINE_START}\nold table\n${HEADLINE_END}\nafter\n`;
    const out = replaceHeadline(readme, '| new |');
    expect(out).toBe(`# x\n\nbefore\n${HEADLINE_START}\n| new |\n${HEADLINE_END}\nafter\n`);
    expect(replaceHeadline(out, '| new |')).toBe(out);
    expect(() => replaceHeadline('# no markers\n', '| t |')).toThrow('no <!-- benchmarks:headline -->');
  });
});

describe('README headline formatting', () => {
  // The README is checked by Biome (docs/benchmarks.md is not): the table must be as it formats it.
  const biome = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));

  it('is already formatted as Biome formats Markdown', () => {
    const run = envelope('suite', {
      suite_seconds: 60,
      pnpm_bench_seconds: null,
      scenarios: [],
      results: {},
    });
    const text = `${headlineTable(results, run)}\n`;
    const formatted = spawnSync(biome, ['format', '--stdin-file-path=README.md'], {
      input: text,
      encoding: 'utf8',
    });
    expect(formatted.status, formatted.stderr).toBe(0);
    expect(formatted.stdout).toBe(text);
  });
});
