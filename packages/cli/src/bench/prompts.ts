/**
 * Prompts for a bench: a small built-in set of varied lengths (prompt processing and generation
 * cost differ with length), or a file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Four prompts from one short line to a long paragraph (~60 to ~1000 characters). */
export const BUILTIN_PROMPTS: readonly string[] = [
  'What is the capital of France, and why?',
  'Summarize in two sentences why measuring the memory and the time to first token of a language model matters when it runs on a small machine.',
  'You are a careful engineer. A service answers questions with a local language model on a two-core virtual machine. ' +
    'Users complain that some answers take much longer than others. List the measurements you would take first, ' +
    'such as the time to first token, the number of tokens per second, the peak resident memory and the processor time ' +
    'of each thread, and say for each one what it would tell you about the cause.',
  'Read the following report and write a short answer. The team ran three models of different sizes on the same machine. ' +
    'The smallest model answered first and generated more than a thousand tokens per second, but its answers were short. ' +
    'The middle model took a little longer to start and generated a few hundred tokens per second. The largest model used ' +
    'several times more memory, took almost a second before the first token of a long prompt, and generated about one ' +
    'hundred tokens per second. When four threads were used on the two cores, every model became far slower, because the ' +
    'threads waited for each other after every step. With one thread, the speed was steady from run to run. Which model ' +
    'would you choose for a chat service that must answer quickly, which for a batch job that runs at night, and how many ' +
    'threads would you give each of them on this machine? Explain your choice in a few sentences.',
];

/** Thrown for a prompt file that cannot be used; the message names the file and the problem. */
export class PromptFileError extends Error {
  override name = 'PromptFileError';
}

/**
 * Reads prompts from a file: `.json` (an array of strings), `.jsonl` (one JSON string or
 * `{"prompt": "…"}` per line) or text (one prompt per non-empty line).
 * @throws PromptFileError naming the file (and line) that is wrong
 * @example
 * const prompts = await readPromptsFile('prompts.txt');
 */
export async function readPromptsFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PromptFileError(
      `${file}: ${code === 'ENOENT' ? 'prompt file not found' : `cannot read (${code})`}`,
    );
  }
  const ext = path.extname(file).toLowerCase();
  let prompts: string[];
  if (ext === '.json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new PromptFileError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(json) || !json.every((p) => typeof p === 'string')) {
      throw new PromptFileError(`${file}: expected a JSON array of strings`);
    }
    prompts = json;
  } else if (ext === '.jsonl') {
    prompts = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new PromptFileError(`${file}:${i + 1}: not valid JSON`);
      }
      const prompt = typeof value === 'string' ? value : (value as { prompt?: unknown } | null)?.prompt;
      if (typeof prompt !== 'string') {
        throw new PromptFileError(`${file}:${i + 1}: expected a JSON string or {"prompt": "…"}`);
      }
      prompts.push(prompt);
    }
  } else {
    prompts = text.split('\n').map((l) => l.trimEnd());
  }
  prompts = prompts.filter((p) => p.trim() !== '');
  if (prompts.length === 0) throw new PromptFileError(`${file}: no prompts in it`);
  return prompts;
}
