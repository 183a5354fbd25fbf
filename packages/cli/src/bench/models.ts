/**
 * Turns config entries into models ready to bench. Everything that can fail before a run starts
 * fails here: generated models are written (or found in the cache), GGUF files must exist and
 * load in a child process (llama.cpp aborts the process on some broken files), names must be
 * unique. HTTP models are checked by their `load()` at the start of their turn.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LLMMonitor } from '@llmmon/core';
import { defaultLlamaThreads, type LLMModel, llamaCpp, probeGgufFile } from '@llmmon/core/adapters/llama-cpp';
import { ollama } from '@llmmon/core/adapters/ollama';
import { openAICompatible } from '@llmmon/core/adapters/openai';
import { describeModel, ensureLlamaGguf } from '@llmmon/gguf';
import { type BenchConfig, BenchConfigError, generatedSpec, type ModelEntry } from './config.js';

/** A model that passed its checks, with a factory for the adapter that runs it. */
export interface PreparedModel {
  /** `model_name` of its records. */
  name: string;
  kind: ModelEntry['kind'];
  /** One line for people: what and where it is. */
  description: string;
  /** GGUF file (local models). */
  file: string | null;
  fileBytes: number | null;
  create(monitor: LLMMonitor): LLMModel;
}

export interface PrepareOptions {
  /** Where generated models are cached (default `.cache/llmmon/models`). */
  cacheDir?: string;
  /** Status lines (e.g. "writing medium-f16 …"). */
  onStatus?: (line: string) => void;
  /** Skip the child-process load check of GGUF files (they are trusted). */
  trustGguf?: boolean;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** A path as people like to read it: relative when under the working directory. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Prepares every model of `config`, in order.
 * @throws BenchConfigError naming the entry (`models[i]`) that cannot run
 */
export async function prepareModels(
  config: BenchConfig,
  options: PrepareOptions = {},
): Promise<PreparedModel[]> {
  const out: PreparedModel[] = [];
  const seen = new Map<string, number>();
  for (const [i, entry] of config.models.entries()) {
    const where = `models[${i}]`;
    const prepared = await prepareOne(entry, where, config, options);
    const first = seen.get(prepared.name);
    if (first !== undefined) {
      throw new BenchConfigError(
        `${where}: model name "${prepared.name}" is already used by models[${first}]; give one of them a "name"`,
      );
    }
    seen.set(prepared.name, i);
    out.push(prepared);
  }
  return out;
}

async function prepareOne(
  entry: ModelEntry,
  where: string,
  config: BenchConfig,
  options: PrepareOptions,
): Promise<PreparedModel> {
  const llama =
    (name: string, file: string, e: { threads?: number | undefined; contextSize?: number | undefined }) =>
    (monitor: LLMMonitor) =>
      llamaCpp({
        modelPath: file,
        name,
        monitor,
        threads: e.threads ?? config.threads ?? defaultLlamaThreads(),
        sequences: config.concurrency,
        ...(e.contextSize !== undefined && { contextSize: e.contextSize }),
      });

  switch (entry.kind) {
    case 'generated': {
      const spec = generatedSpec(entry);
      options.onStatus?.(`model ${spec.name}: ${describeModel(spec).replace(/ \(generated.*$/, '')}`);
      const cached = await ensureLlamaGguf(spec, options.cacheDir ? { cacheDir: options.cacheDir } : {});
      options.onStatus?.(
        cached.cached
          ? `  cached ${displayPath(cached.path)} (${mb(cached.bytes)})`
          : `  wrote ${displayPath(cached.path)} (${mb(cached.bytes)}) in ${cached.seconds.toFixed(2)} s`,
      );
      return {
        name: spec.name,
        kind: 'generated',
        description: `generated ${spec.type}, d${spec.embeddingLength} × ${spec.blockCount} blocks, ${(cached.parameters / 1e6).toFixed(1)} M weights, ${mb(cached.bytes)}`,
        file: cached.path,
        fileBytes: cached.bytes,
        create: llama(spec.name, cached.path, entry),
      };
    }
    case 'gguf': {
      const file = entry.path;
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new BenchConfigError(`${where}: model file not found: ${file}`);
      const name = entry.name ?? path.basename(file).replace(/\.gguf$/i, '');
      if (!options.trustGguf) {
        options.onStatus?.(`model ${name}: checking ${file} loads (in a child process)`);
        const probe = await probeGgufFile(file);
        if (!probe.ok) throw new BenchConfigError(`${where}: ${probe.error}`);
      }
      return {
        name,
        kind: 'gguf',
        description: `GGUF ${file}, ${mb(info.size)}`,
        file,
        fileBytes: info.size,
        create: llama(name, file, entry),
      };
    }
    case 'openai': {
      const name = entry.name ?? entry.model;
      const apiKey = entry.apiKeyEnv ? process.env[entry.apiKeyEnv] : undefined;
      if (entry.apiKeyEnv && apiKey === undefined) {
        throw new BenchConfigError(`${where}.apiKeyEnv: environment variable ${entry.apiKeyEnv} is not set`);
      }
      return {
        name,
        kind: 'openai',
        description: `OpenAI-compatible ${entry.baseURL} model ${entry.model}`,
        file: null,
        fileBytes: null,
        create: (monitor) =>
          openAICompatible({
            baseURL: entry.baseURL,
            model: entry.model,
            name,
            monitor,
            ...(apiKey !== undefined && { apiKey }),
            ...(entry.maxTokensField && { maxTokensField: entry.maxTokensField }),
            ...(entry.includeUsage !== undefined && { includeUsage: entry.includeUsage }),
          }),
      };
    }
    case 'ollama': {
      const name = entry.name ?? `ollama:${entry.model}`;
      return {
        name,
        kind: 'ollama',
        description: `Ollama ${entry.host ?? 'default host'} model ${entry.model}`,
        file: null,
        fileBytes: null,
        create: (monitor) =>
          ollama({
            model: entry.model,
            name,
            monitor,
            ...(entry.host && { host: entry.host }),
            ...(entry.threads !== undefined && { threads: entry.threads }),
            ...(entry.contextSize !== undefined && { contextSize: entry.contextSize }),
          }),
      };
    }
  }
}
