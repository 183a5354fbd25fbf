/**
 * The macOS backend's portable rules, bound by the test-only addon
 * (src/native/testing/apple_rules_testing.cpp), and the fixtures they read: listings and
 * channel lists published from real Macs (each file says where it came from).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TESTING_ADDON } from './helpers.ts';

export interface Accelerator {
  name: string;
  io_class: string;
  vendor: string | null;
  registry_id: number;
  core_count: number | null;
  has_statistics: boolean;
  device_util_percent: number | null;
  renderer_util_percent: number | null;
  tiler_util_percent: number | null;
  in_use_bytes: number | null;
  alloc_bytes: number | null;
  util_key: string | null;
  memory_key: string | null;
  util_reason: string | null;
  memory_reason: string | null;
}

export interface UserClient {
  id: number;
  io_class: string;
  pid: number | null;
  gpu_ns: number | null;
}

export interface EnergyStep {
  cpu: number | null;
  gpu: number | null;
  ane: number | null;
  dram: number | null;
  ignored: string[];
}

export interface AppleRules {
  appleAccelerators(ioregText: string): Accelerator[];
  appleUserClients(ioregText: string): UserClient[];
  appleLedger(
    passes: { id: number; pid: number; ns: number }[][],
    pids: number[],
  ): Record<string, number | null>[];
  appleEnergy(steps: { group: string; channel: string; unit: string; delta: number }[][]): EnergyStep[];
  appleThermal(level: number): { throttles: boolean; name: string };
}

export const apple = createRequire(import.meta.url)(TESTING_ADDON) as AppleRules;

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/apple/${name}`, import.meta.url), 'utf8');
}

/** The one entry of a list the test expects exactly one of. */
export function only<T>(items: T[]): T {
  const [item] = items;
  if (items.length !== 1 || item === undefined) throw new Error(`expected one entry, got ${items.length}`);
  return item;
}
