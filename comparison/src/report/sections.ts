/** Each scenario's report section, by scenario name. */
import type { ScenarioDataMap, ScenarioName } from '../scenarios/catalog.js';
import { costSection } from './cost.js';
import { cpuSection } from './cpu.js';
import { dashboardSection } from './dashboard.js';
import { fleetSection } from './fleet.js';
import { loadSection } from './load.js';
import { overheadSection } from './overhead.js';
import { peakSection } from './peak.js';
import { storeSection } from './store.js';

export const SECTIONS_BY_NAME = {
  peak: peakSection,
  cpu: cpuSection,
  cost: costSection,
  overhead: overheadSection,
  store: storeSection,
  dashboard: dashboardSection,
  fleet: fleetSection,
  load: loadSection,
} as { [K in ScenarioName]: (d: ScenarioDataMap[K]) => string } as Record<
  ScenarioName,
  (d: unknown) => string
>;
