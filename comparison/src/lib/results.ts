/**
 * Result files: one JSON document per scenario run, `comparison/results/<scenario>-<time>.json`
 * (gitignored). The report reads the newest of each scenario.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MachineInfo, machineInfo } from './machine.js';

/** `results/` of this package (dist/lib/ and src/lib/ are both two levels below the root). */
export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

export interface ScenarioResult<T = unknown> {
  scenario: string;
  /** ISO 8601, when the scenario started. */
  date: string;
  /** The command that runs this scenario alone. */
  command: string;
  machine: MachineInfo;
  /** 1-minute load average when it ended. */
  loadavg_end: number;
  wall_seconds: number;
  data: T;
}

/** Writes a scenario's result; returns the file's path. */
export function writeResult<T>(result: ScenarioResult<T>, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.scenario}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
  return file;
}

/** The newest result of a scenario, or null when it never ran. */
export function latestResult<T>(scenario: string, dir = RESULTS_DIR): ScenarioResult<T> | null {
  const file = latestFile(dir, new RegExp(`^${scenario}-\\d{4}-.*\\.json$`));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult<T>) : null;
}

/** Newest file in `dir` whose name matches (names carry ISO times, so the last in order wins). */
export function latestFile(dir: string, pattern: RegExp): string | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => pattern.test(n));
  } catch {
    return null;
  }
  names.sort();
  const last = names.at(-1);
  return last ? path.join(dir, last) : null;
}

/** Starts a result envelope; `finish` stamps the end. */
export function startResult(scenario: string, command: string) {
  const started = Date.now();
  const machine = machineInfo();
  return {
    finish<T>(data: T): ScenarioResult<T> {
      return {
        scenario,
        date: new Date(started).toISOString(),
        command,
        machine,
        loadavg_end: machineInfo().loadavg[0],
        wall_seconds: (Date.now() - started) / 1000,
        data,
      };
    },
  };
}
