/**
 * The bench configuration: `llmmon.bench.json` (or `--config FILE`), then command-line flags on
 * top, validated with zod. A bad config is one line naming the field, before anything runs.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeZodError } from '@llmmon/core';
import {
  LLAMA_MODEL_SPEC_FIELDS,
  MODEL_PRESET_NAMES,
  MODEL_PRESETS,
  ModelSpecError,
  normalizeModelSpec,
} from '@llmmon/gguf';
import { z } from 'zod';
import { BUILTIN_PROMPTS, readPromptsFile } from './prompts.js';

/** The config file `llmmon bench` reads from the working directory when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = 'llmmon.bench.json';

/** Thrown for a config that cannot run; the message is one line naming the field. */
export class BenchConfigError extends Error {
  override name = 'BenchConfigError';
}

const Name = z.string().min(1).max(200);
const PositiveInt = z.number().int().min(1);

/** Runtime settings of a model run by llama.cpp in this process. */
const LlamaRuntime = {
  /** llama.cpp threads; default the bench's `threads`. */
  threads: PositiveInt.max(256).optional(),
  /** Tokens per sequence; default min(2048, the model's training context). */
  contextSize: z.number().int().min(16).max(1_048_576).optional(),
};

/** A model llmmon generates: a preset and/or explicit sizes (see `@llmmon/gguf`). */
const GeneratedModel = z.strictObject({
  kind: z.literal('generated'),
  preset: z.enum(MODEL_PRESET_NAMES).optional(),
  ...z.object(LLAMA_MODEL_SPEC_FIELDS).partial().shape,
  ...LlamaRuntime,
});

const GgufModel = z.strictObject({
  kind: z.literal('gguf'),
  /** Path of the GGUF file (relative to the config file). */
  path: z.string().min(1),
  name: Name.optional(),
  ...LlamaRuntime,
});

const OpenAIModel = z.strictObject({
  kind: z.literal('openai'),
  /** Base URL with `/v1`. */
  baseURL: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1),
  name: Name.optional(),
  /** Environment variable that holds the API key (keys never go in the file); default OPENAI_API_KEY. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  includeUsage: z.boolean().optional(),
});

const OllamaModel = z.strictObject({
  kind: z.literal('ollama'),
  model: z.string().min(1),
  host: z.url({ protocol: /^https?$/ }).optional(),
  name: Name.optional(),
  threads: PositiveInt.max(256).optional(),
  contextSize: z.number().int().min(16).optional(),
});

export const ModelEntrySchema = z.discriminatedUnion('kind', [
  GeneratedModel,
  GgufModel,
  OpenAIModel,
  OllamaModel,
]);
export type ModelEntry = z.output<typeof ModelEntrySchema>;

export const BenchConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Name of the bench: the run is called `bench: <name>`. */
  name: Name.optional(),
  models: z.array(ModelEntrySchema).min(1).optional(),
  /** Prompts inline, or `{ "file": "prompts.txt" }` (relative to the config file). */
  prompts: z
    .union([z.array(z.string().min(1)).min(1), z.strictObject({ file: z.string().min(1) })])
    .optional(),
  /** Most tokens each generation produces. */
  maxTokens: PositiveInt.max(32_768).optional(),
  /** Runs before measuring each model, cycling through the prompts (recorded as "warmup"). */
  warmupRuns: z.number().int().min(0).max(1000).optional(),
  /** Passes over all prompts per model. */
  repetitions: PositiveInt.max(10_000).optional(),
  /** Generations in flight at once per model. */
  concurrency: PositiveInt.max(64).optional(),
  /** llama.cpp threads for local models; default 1 on ≤ 4 CPUs (see docs/llmmon-bench.md). */
  threads: PositiveInt.max(256).optional(),
  /** Sampling temperature; default 0 (greedy, same output every run). */
  temperature: z.number().min(0).max(2).optional(),
});
export type BenchConfigInput = z.input<typeof BenchConfigSchema>;

/** The three generated models of the default bench: they differ clearly in speed and memory. */
export const DEFAULT_MODELS: readonly ModelEntry[] = [
  { kind: 'generated', preset: 'tiny' },
  { kind: 'generated', preset: 'small' },
  { kind: 'generated', preset: 'medium' },
];

export const DEFAULTS = {
  name: 'default',
  maxTokens: 64,
  warmupRuns: 2,
  repetitions: 5,
  concurrency: 1,
  temperature: 0,
};

/** A config with every default filled in, prompts read and paths absolute. */
export interface BenchConfig {
  name: string;
  /** The file it came from, or null (defaults and flags only). */
  file: string | null;
  models: ModelEntry[];
  prompts: string[];
  /** Where the prompts came from: "built-in", "inline" or a file path. */
  promptSource: string;
  maxTokens: number;
  warmupRuns: number;
  repetitions: number;
  concurrency: number;
  /** Null: each runtime's default ({@link defaultLlamaThreads} for llama.cpp). */
  threads: number | null;
  temperature: number;
}

/** Flags of `llmmon bench` that override the file. */
export interface BenchOverrides {
  name?: string;
  models?: ModelEntry[];
  promptsFile?: string;
  maxTokens?: number;
  warmupRuns?: number;
  repetitions?: number;
  concurrency?: number;
  threads?: number;
}

function parseConfig(input: unknown, where: string): z.output<typeof BenchConfigSchema> {
  const parsed = BenchConfigSchema.safeParse(input);
  if (!parsed.success) throw new BenchConfigError(`${where}: ${describeZodError(parsed.error)}`);
  // Generated models: check the sizes as a whole (e.g. heads divide the width) now, not mid-run.
  parsed.data.models?.forEach((m, i) => {
    if (m.kind !== 'generated') return;
    try {
      generatedSpec(m);
    } catch (error) {
      const message =
        error instanceof ModelSpecError ? error.message.replace(/^model spec /, '') : String(error);
      throw new BenchConfigError(`${where}: models[${i}].${message}`);
    }
  });
  return parsed.data;
}

/** The model spec a `generated` entry stands for: its preset with its own fields on top. */
export function generatedSpec(entry: Extract<ModelEntry, { kind: 'generated' }>) {
  const { kind: _kind, preset, threads: _threads, contextSize: _contextSize, ...fields } = entry;
  const base = preset ? MODEL_PRESETS[preset] : {};
  const merged = { ...base, ...fields };
  if (!('type' in merged) || merged.type === undefined) {
    throw new ModelSpecError(
      'model spec type: give a preset (tiny, small, medium) or the full sizes and type',
    );
  }
  return normalizeModelSpec(merged as Parameters<typeof normalizeModelSpec>[0]);
}

/**
 * Reads and validates the config, applies the flags, reads the prompts.
 * @throws BenchConfigError with one line naming the file and field
 * @example
 * const config = await loadBenchConfig({ file: 'llmmon.bench.json', overrides: { repetitions: 3 } });
 */
export async function loadBenchConfig(options: {
  /** Config file; null: none (defaults). */
  file: string | null;
  overrides?: BenchOverrides;
}): Promise<BenchConfig> {
  const file = options.file === null ? null : path.resolve(options.file);
  let raw: z.output<typeof BenchConfigSchema> = {};
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new BenchConfigError(
        `${file}: ${code === 'ENOENT' ? 'config file not found' : `cannot read (${code})`}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new BenchConfigError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    raw = parseConfig(json, file);
  }
  const o = options.overrides ?? {};
  // Flags are checked by the same schema, so their errors read the same way.
  const flags = parseConfig(
    Object.fromEntries(
      Object.entries({
        name: o.name,
        models: o.models,
        maxTokens: o.maxTokens,
        warmupRuns: o.warmupRuns,
        repetitions: o.repetitions,
        concurrency: o.concurrency,
        threads: o.threads,
      }).filter(([, v]) => v !== undefined),
    ),
    'command line',
  );
  const merged = { ...raw, ...flags };
  const base = file ? path.dirname(file) : process.cwd();
  const resolveModel = (m: ModelEntry): ModelEntry =>
    m.kind === 'gguf' ? { ...m, path: path.resolve(base, m.path) } : m;
  // Model paths given as flags are relative to the working directory, the file's to the file.
  const models = flags.models ?? raw.models?.map(resolveModel) ?? [...DEFAULT_MODELS];

  let prompts: string[];
  let promptSource: string;
  const promptsFile = o.promptsFile
    ? path.resolve(o.promptsFile)
    : raw.prompts && !Array.isArray(raw.prompts)
      ? path.resolve(base, raw.prompts.file)
      : null;
  if (promptsFile) {
    try {
      prompts = await readPromptsFile(promptsFile);
    } catch (error) {
      throw new BenchConfigError((error as Error).message);
    }
    promptSource = promptsFile;
  } else if (Array.isArray(raw.prompts)) {
    prompts = raw.prompts;
    promptSource = 'inline';
  } else {
    prompts = [...BUILTIN_PROMPTS];
    promptSource = 'built-in';
  }

  return {
    name: merged.name ?? (file ? path.basename(file, '.json').replace(/\.bench$/, '') : DEFAULTS.name),
    file,
    models,
    prompts,
    promptSource,
    maxTokens: merged.maxTokens ?? DEFAULTS.maxTokens,
    warmupRuns: merged.warmupRuns ?? DEFAULTS.warmupRuns,
    repetitions: merged.repetitions ?? DEFAULTS.repetitions,
    concurrency: merged.concurrency ?? DEFAULTS.concurrency,
    threads: merged.threads ?? null,
    temperature: merged.temperature ?? DEFAULTS.temperature,
  };
}

/**
 * What makes two bench runs comparable: models, prompts and settings (not the name or file).
 * `--compare-last` looks for the previous run with the same hash. `extra`: other settings that
 * change what runs (e.g. `--serve-openai`).
 */
export function benchConfigHash(config: BenchConfig, extra: Record<string, unknown> = {}): string {
  const { name: _n, file: _f, promptSource: _p, ...rest } = config;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, ...extra }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * A model given on the command line (`--model`): a preset (`tiny`, `small`, `medium`), a GGUF
 * file, `openai:MODEL@BASE_URL` or `ollama:MODEL[@HOST]`.
 * @throws BenchConfigError naming the spec
 * @example
 * parseModelSpec('openai:gpt-4o-mini@https://api.openai.com/v1');
 * // { kind: 'openai', model: 'gpt-4o-mini', baseURL: 'https://api.openai.com/v1' }
 */
export function parseModelSpec(spec: string): ModelEntry {
  const bad = (why: string) => new BenchConfigError(`--model ${JSON.stringify(spec)}: ${why}`);
  const preset = MODEL_PRESET_NAMES.find((p) => p === spec);
  let entry: unknown;
  if (preset) entry = { kind: 'generated', preset };
  else if (spec.startsWith('openai:')) {
    const rest = spec.slice('openai:'.length);
    const at = rest.lastIndexOf('@');
    if (at <= 0) throw bad('expected openai:MODEL@BASE_URL, e.g. openai:tiny-f32@http://127.0.0.1:8080/v1');
    entry = { kind: 'openai', model: rest.slice(0, at), baseURL: rest.slice(at + 1) };
  } else if (spec.startsWith('ollama:')) {
    const rest = spec.slice('ollama:'.length);
    const at = rest.lastIndexOf('@');
    entry =
      at > 0
        ? { kind: 'ollama', model: rest.slice(0, at), host: rest.slice(at + 1) }
        : { kind: 'ollama', model: rest };
  } else if (/\.gguf$/i.test(spec)) entry = { kind: 'gguf', path: path.resolve(spec) };
  else
    throw bad(
      `not a preset (${MODEL_PRESET_NAMES.join(', ')}), a .gguf file, openai:MODEL@BASE_URL or ollama:MODEL[@HOST]`,
    );
  const parsed = ModelEntrySchema.safeParse(entry);
  if (!parsed.success) throw bad(describeZodError(parsed.error));
  return parsed.data;
}

/** A model entry as a short name: the preset, the file's name, `openai:MODEL`, `ollama:MODEL`. */
function modelLabel(m: ModelEntry): string {
  switch (m.kind) {
    case 'generated':
      return 'preset' in m && m.preset ? m.preset : 'generated';
    case 'gguf':
      return path.basename(m.path);
    default:
      return `${m.kind}:${m.model}`;
  }
}

/**
 * The settings of a bench that differ from the defaults, as `key value` words: what tells two
 * runs of `llmmon bench` apart at a glance (`concurrency 2`, `models tiny, q4.gguf`).
 */
export function benchSettingsDiff(config: BenchConfig, extra: { serveOpenai?: boolean } = {}): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(config.models, DEFAULT_MODELS)) out.push(`models ${config.models.map(modelLabel).join(', ')}`);
  if (config.promptSource !== 'built-in')
    out.push(
      `prompts ${config.promptSource === 'inline' ? `${config.prompts.length} inline` : path.basename(config.promptSource)}`,
    );
  if (config.maxTokens !== DEFAULTS.maxTokens) out.push(`max tokens ${config.maxTokens}`);
  if (config.warmupRuns !== DEFAULTS.warmupRuns) out.push(`warm-up ${config.warmupRuns}`);
  if (config.repetitions !== DEFAULTS.repetitions) out.push(`repetitions ${config.repetitions}`);
  if (config.concurrency !== DEFAULTS.concurrency) out.push(`concurrency ${config.concurrency}`);
  if (config.threads !== null) out.push(`threads ${config.threads}`);
  if (config.temperature !== DEFAULTS.temperature) out.push(`temperature ${config.temperature}`);
  if (extra.serveOpenai) out.push('serve-openai');
  return out;
}

/**
 * The run's name: the bench's name, what differs from the defaults, and the config hash's first
 * 8 characters (`bench default: concurrency 2 · 3f2a1b9c`), so that runs are told apart in every
 * list.
 */
export function benchRunName(
  config: BenchConfig,
  configHash: string,
  extra: { serveOpenai?: boolean } = {},
): string {
  const diff = benchSettingsDiff(config, extra);
  return `bench ${config.name}: ${diff.length ? diff.join(', ') : 'defaults'} · ${configHash.slice(0, 8)}`;
}
