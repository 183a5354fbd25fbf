/**
 * The native sampler (`@llmmon/sampler-native`), loaded on first use. Loading is synchronous
 * (`require` of the ES module, supported since Node 20.19) so that `startOperation()`, which is
 * synchronous, is measured by the native sampler from the very first operation. A package that
 * cannot load (not built, unsupported platform) throws one actionable Error; its first line
 * becomes the reason the run records for using the JS sampler.
 */
import { createRequire } from 'node:module';
import type { SamplerBackend } from './types.js';

export const NATIVE_DEFAULT_INTERVAL_MS = 1;

export type NativeLoad =
  | { ok: true; create(intervalMs: number): SamplerBackend }
  | { ok: false; reason: string };

export const NATIVE_MODULE = '@llmmon/sampler-native';
const loads = new Map<string, NativeLoad>();

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

/** Loads `@llmmon/sampler-native` once per process; never throws. */
export function loadNativeSampler(specifier = NATIVE_MODULE): NativeLoad {
  let cached = loads.get(specifier);
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    const mod = require(specifier) as Record<string, unknown>;
    if (typeof mod.Sampler !== 'function') {
      cached = { ok: false, reason: '@llmmon/sampler-native has no Sampler export (not built?)' };
    } else {
      cached = { ok: false, reason: '@llmmon/sampler-native: adapter not written yet' };
    }
  } catch (error) {
    cached = { ok: false, reason: firstLine(error) };
  }
  loads.set(specifier, cached);
  return cached;
}
