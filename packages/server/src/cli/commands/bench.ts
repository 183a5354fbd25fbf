/**
 * `llmmon bench`: benchmark the configured models (default: three generated GGUF models in
 * llama.cpp) and write the metrics file, the static dashboard and the DuckDB run.
 */
import { Command, InvalidArgumentError } from 'commander';

const wholeNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`${flag} takes a whole number, got ${JSON.stringify(value)}`);
  }
  return n;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface BenchFlags {
  config?: string;
  out?: string;
  db?: string;
  compareLast?: boolean;
  serveOpenai?: boolean;
  model?: string[];
  prompts?: string;
  maxTokens?: number;
  warmup?: number;
  repetitions?: number;
  concurrency?: number;
  threads?: number;
  name?: string;
  cacheDir?: string;
}

/**
 * The command (registered by the CLI index).
 * @example
 * program.addCommand(benchCommand());
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'benchmark LLMs: default three generated GGUF models (tiny f32, small q8_0, medium f16) in llama.cpp; ' +
        'prints the per-model summary, writes the metrics file and its dashboard, stores the run in DuckDB',
    )
    .option('-c, --config <file>', 'bench config (default: ./llmmon.bench.json when it exists)')
    .option('-o, --out <dir>', 'folder for the metrics file and dashboard (default: data/output/llm_metrics)')
    .option('--db <file>', 'DuckDB file the run is stored in (default: data/llmmon.duckdb)')
    .option('--compare-last', 'compare with the previous run of the same config (regressions marked)')
    .option(
      '--serve-openai',
      'also serve the first local model over the OpenAI protocol (child process, loopback) and bench it through the OpenAI client',
    )
    .option(
      '-m, --model <spec>',
      'a model instead of the config’s (repeatable): tiny | small | medium | FILE.gguf | openai:MODEL@BASE_URL | ollama:MODEL[@HOST]',
      collect,
    )
    .option('-p, --prompts <file>', 'prompts: .txt (one per line), .json (array of strings) or .jsonl')
    .option('--max-tokens <n>', 'most tokens per generation (default 64)', wholeNumber('--max-tokens'))
    .option('--warmup <n>', 'warm-up runs per model, not measured (default 2)', wholeNumber('--warmup'))
    .option(
      '--repetitions <n>',
      'passes over the prompts per model (default 5)',
      wholeNumber('--repetitions'),
    )
    .option('--concurrency <n>', 'generations in flight per model (default 1)', wholeNumber('--concurrency'))
    .option(
      '--threads <n>',
      'llama.cpp threads (default 1 on machines with ≤ 4 CPUs)',
      wholeNumber('--threads'),
    )
    .option('--name <name>', 'name of the bench (the run is "bench: NAME")')
    .option(
      '--cache-dir <dir>',
      'where generated models are cached (default .cache/llmmon/models, or $LLMMON_MODEL_CACHE)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  llmmon bench                                   # the default bench (under a minute on 2 cores)\n' +
        '  llmmon bench --model my-model.gguf --repetitions 3\n' +
        '  llmmon bench --model openai:gpt-4o-mini@https://api.openai.com/v1 --max-tokens 32\n' +
        '  llmmon bench --config llmmon.bench.json --compare-last\n' +
        '\nConfig format and metrics: docs/bench.md',
    )
    .action(async (flags: BenchFlags) => {
      // Imported on use: `llmmon --help` and other commands stay quick.
      const [{ runBenchCommand }, { parseModelSpec }] = await Promise.all([
        import('../../bench/bench.js'),
        import('../../bench/config.js'),
      ]);
      await runBenchCommand({
        ...(flags.config !== undefined && { config: flags.config }),
        ...(flags.out !== undefined && { out: flags.out }),
        ...(flags.db !== undefined && { db: flags.db }),
        ...(flags.cacheDir !== undefined && { cacheDir: flags.cacheDir }),
        compareLast: flags.compareLast ?? false,
        serveOpenai: flags.serveOpenai ?? false,
        overrides: {
          ...(flags.model && { models: flags.model.map(parseModelSpec) }),
          ...(flags.prompts !== undefined && { promptsFile: flags.prompts }),
          ...(flags.maxTokens !== undefined && { maxTokens: flags.maxTokens }),
          ...(flags.warmup !== undefined && { warmupRuns: flags.warmup }),
          ...(flags.repetitions !== undefined && { repetitions: flags.repetitions }),
          ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
          ...(flags.threads !== undefined && { threads: flags.threads }),
          ...(flags.name !== undefined && { name: flags.name }),
        },
      });
    });
}
