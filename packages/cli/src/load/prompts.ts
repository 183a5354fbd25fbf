/**
 * The prompts of a load run and the output length each asks for: the bench's built-in set, a
 * file (`.txt`, `.json`, `.jsonl` as `llmmon bench` reads them), or synthetic prompts whose input
 * length is drawn from a normal distribution (mean, spread) in words of one token each on common
 * BPE tokenizers (the server's usage gives the true count, which the metrics use). Output lengths
 * are drawn the same way. Which prompt comes next is a seeded draw too.
 */
import { BUILTIN_PROMPTS, readPromptsFile } from '../bench/prompts.js';
import type { LoadPrompt } from './client.js';
import { type Draws, draws, STREAM } from './random.js';

/** A length: mean and spread (standard deviation; 0 = fixed). */
export interface LengthSpec {
  mean: number;
  stddev: number;
}

/**
 * Parses `MEAN` or `MEAN:STDDEV` (tokens).
 * @throws Error naming the option
 */
export function parseLength(option: string, text: string): LengthSpec {
  const m = /^(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(text.trim());
  if (!m || Number(m[1]) < 1)
    throw new Error(`${option}: expected MEAN or MEAN:STDDEV in tokens (MEAN ≥ 1), got ${text}`);
  return { mean: Number(m[1]), stddev: Number(m[2] ?? 0) };
}

export interface PromptSourceOptions {
  /** A prompts file, or null for the built-in set (ignored with `inputTokens`). */
  file: string | null;
  /** Synthetic prompts of this length. */
  inputTokens: LengthSpec | null;
  outputTokens: LengthSpec;
  seed: number;
}

/** Short English words that common BPE vocabularies hold as one token each (with their space). */
const WORDS = (
  'the of and to in is it that for on with as was he be at by this had not are but from or have ' +
  'an they which one you were her all she there would their we him been has when who will more no if out so ' +
  'said what up its about into than them can only other new some could time these two may then do first any'
).split(' ');

/** A length drawn from a normal distribution, rounded, at least 1. */
function drawLength(d: Draws, spec: LengthSpec): number {
  return Math.max(1, Math.round(spec.mean + spec.stddev * (spec.stddev ? d.normal() : 0)));
}

export interface PromptSource {
  /** What the prompts are, for the run's tags. */
  description: string;
  next(): LoadPrompt;
}

/**
 * The prompts of a run.
 * @throws PromptFileError for a file that cannot be used
 */
export async function promptSource(options: PromptSourceOptions): Promise<PromptSource> {
  const pick = draws(options.seed, STREAM.prompts);
  const lengths = draws(options.seed, STREAM.lengths);
  const out = () => drawLength(lengths, options.outputTokens);
  const outDesc = `output ${options.outputTokens.mean}±${options.outputTokens.stddev} tokens`;
  const input = options.inputTokens;
  if (input) {
    return {
      description: `synthetic: input ${input.mean}±${input.stddev} words, ${outDesc}`,
      next() {
        const n = drawLength(lengths, input);
        const words = Array.from({ length: n }, () => WORDS[Math.floor(pick.uniform() * WORDS.length)]!);
        return { text: words.join(' '), maxTokens: out() };
      },
    };
  }
  const prompts = options.file ? await readPromptsFile(options.file) : [...BUILTIN_PROMPTS];
  return {
    description: `${prompts.length} prompts (${options.file ?? 'built-in'}), ${outDesc}`,
    next: () => ({ text: prompts[Math.floor(pick.uniform() * prompts.length)]!, maxTokens: out() }),
  };
}
