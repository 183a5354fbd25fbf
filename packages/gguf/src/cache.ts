/**
 * Generated models are cached on disk by their parameters: the file name carries a hash of the
 * normalized spec and the writer version, so a changed size, seed or writer gives a new file and
 * an unchanged one is reused at once.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  GGUF_WRITER_VERSION,
  type LlamaModelSpec,
  type LlamaModelSpecInput,
  normalizeModelSpec,
  planLlamaModel,
} from './llama.js';
import { plannedFileBytes, writePlannedModel } from './write.js';

/**
 * Where generated models go: `$LLMMON_MODEL_CACHE`, else `.cache/llmmon/models` under the
 * current directory (gitignored in this repository).
 */
export function defaultModelCacheDir(cwd = process.cwd()): string {
  return process.env.LLMMON_MODEL_CACHE || path.resolve(cwd, '.cache/llmmon/models');
}

/** The cache key of a normalized spec: 12 hex digits of SHA-256 over the spec and writer version. */
export function modelSpecHash(spec: LlamaModelSpec): string {
  const canonical = JSON.stringify(
    { writer: GGUF_WRITER_VERSION, ...spec },
    Object.keys({ writer: 0, ...spec }).sort(),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

export interface CachedModel {
  path: string;
  spec: LlamaModelSpec;
  bytes: number;
  parameters: number;
  /** True when the file was already there; false when it was written now. */
  cached: boolean;
  /** Seconds spent writing (0 when cached). */
  seconds: number;
}

export interface EnsureModelOptions {
  /** Default: {@link defaultModelCacheDir}. */
  cacheDir?: string;
}

/**
 * Returns the path of the generated model `spec` describes, writing it first if the cache has no
 * complete copy.
 * @throws ModelSpecError when the spec cannot describe a model
 * @example
 * const { path } = await ensureLlamaGguf(MODEL_PRESETS.tiny); // .cache/llmmon/models/tiny-f32-<hash>.gguf
 */
export async function ensureLlamaGguf(
  input: LlamaModelSpecInput,
  options: EnsureModelOptions = {},
): Promise<CachedModel> {
  const spec = normalizeModelSpec(input);
  const plan = planLlamaModel(spec);
  const dir = options.cacheDir ?? defaultModelCacheDir();
  const safeName = spec.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const file = path.join(dir, `${safeName}-${modelSpecHash(spec)}.gguf`);
  const expected = plannedFileBytes(plan);
  const existing = await stat(file).catch(() => null);
  // A complete file has exactly the planned size; anything else (e.g. disk full) is rewritten.
  if (existing?.isFile() && existing.size === expected) {
    return { path: file, spec, bytes: expected, parameters: plan.parameters, cached: true, seconds: 0 };
  }
  await mkdir(dir, { recursive: true });
  const written = await writePlannedModel(plan, file);
  return {
    path: file,
    spec,
    bytes: written.bytes,
    parameters: plan.parameters,
    cached: false,
    seconds: written.seconds,
  };
}
