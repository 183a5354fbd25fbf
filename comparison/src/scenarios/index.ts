/**
 * The scenarios to run, in the order of `CATALOG`. `quick` shrinks each to a smoke run of a few
 * seconds (development): its figures mean nothing.
 */
import { CATALOG, type ScenarioDataMap, type ScenarioName } from './catalog.js';
import { COST_DEFAULTS, runCost } from './cost.js';
import { CPU_DEFAULTS, runCpu } from './cpu.js';
import { runDashboard } from './dashboard.js';
import { runFleet } from './fleet.js';
import { LOAD_DEFAULTS, runLoad } from './load.js';
import { OVERHEAD_DEFAULTS, runOverhead } from './overhead.js';
import { PEAK_DEFAULTS, runPeak } from './peak.js';
import { runStore, STORE_DEFAULTS } from './store.js';

export interface Scenario {
  name: ScenarioName;
  title: string;
  run(quick: boolean): Promise<ScenarioDataMap[ScenarioName]>;
}

const MiB = 1024 * 1024;
const envNumber = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const RUNS: { [K in ScenarioName]: (quick: boolean) => Promise<ScenarioDataMap[K]> } = {
  peak: (quick) => runPeak(quick ? { ...PEAK_DEFAULTS, spikes: 10, bytes: 64 * MiB } : PEAK_DEFAULTS),
  cpu: (quick) =>
    runCpu(
      quick
        ? {
            ...CPU_DEFAULTS,
            cases: [
              { threads: 1, cpuMs: 50, windows: 2 },
              { threads: 2, cpuMs: 50, windows: 2 },
            ],
          }
        : CPU_DEFAULTS,
    ),
  cost: (quick) => runCost(quick ? { ...COST_DEFAULTS, seconds: 0.5, rounds: 1 } : COST_DEFAULTS),
  overhead: (quick) =>
    runOverhead(
      quick ? { ...OVERHEAD_DEFAULTS, rounds: 2, calls: { empty: 300, busy: 20 } } : OVERHEAD_DEFAULTS,
    ),
  store: (quick) =>
    runStore(
      quick
        ? {
            runs: 4,
            opsPerRun: 20_000,
            ingestRuns: 2,
            reps: { duckdb: 2, sqlite: 2, sqliteSlow: 1, json: 1 },
            seed: 1,
          }
        : { ...STORE_DEFAULTS, runs: envNumber('LLMMON_COMPARISON_STORE_RUNS', STORE_DEFAULTS.runs) },
    ),
  dashboard: () => runDashboard(),
  fleet: () => runFleet(),
  load: (quick) =>
    runLoad(quick ? { ...LOAD_DEFAULTS, levels: [1, 8], seconds: 1, rounds: 1 } : LOAD_DEFAULTS),
};

export const SCENARIOS: Scenario[] = CATALOG.map((c) => ({ ...c, run: RUNS[c.name] }));
