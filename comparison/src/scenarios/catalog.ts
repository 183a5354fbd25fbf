/**
 * The scenarios' names, titles and result types, without their code: what the report needs.
 * (Importing the scenarios themselves would load the native sampler, OpenTelemetry, DuckDB, …)
 */
import type { CostData } from './cost.js';
import type { CpuData } from './cpu.js';
import type { DashboardData } from './dashboard.js';
import type { FleetData } from './fleet.js';
import type { LoadData } from './load.js';
import type { OverheadData } from './overhead.js';
import type { PeakData } from './peak.js';
import type { StoreData } from './store.js';

export interface ScenarioDataMap {
  peak: PeakData;
  cpu: CpuData;
  cost: CostData;
  overhead: OverheadData;
  store: StoreData;
  dashboard: DashboardData;
  fleet: FleetData;
  load: LoadData;
}

export type ScenarioName = keyof ScenarioDataMap;

/** In the order `all` runs them: issue 7's numbering, then the load generator (issue 17) and the fleet (issue 18). */
export const CATALOG: readonly { name: ScenarioName; title: string }[] = [
  { name: 'peak', title: '1. Peak capture' },
  { name: 'cpu', title: '2. CPU attribution' },
  { name: 'cost', title: '3. Sampler cost' },
  { name: 'overhead', title: '4. Per-operation overhead' },
  { name: 'store', title: '5. Run store' },
  { name: 'dashboard', title: '6. Dashboard' },
  { name: 'load', title: '7. Load generator' },
  { name: 'fleet', title: '8. Fleet' },
];
