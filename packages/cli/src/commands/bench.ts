/**
 * `llmmon bench`: benchmark the configured models (default: three generated GGUF models in
 * llama.cpp) and write the metrics file, the static dashboard and the DuckDB run.
 */
import type { Command } from 'commander';
import type { BenchCommandOptions } from '../bench/bench.js';
import { positiveInt, whereOptions } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags: the command's own options as they are, plus those that override the config. */
interface BenchFlags
  extends Pick<
    BenchCommandOptions,
    'config' | 'out' | 'db' | 'server' | 'compareLast' | 'serveOpenai' | 'cacheDir' | 'attach'
  > {
  model?: string[];
  prompts?: string;
  maxTokens?: number;
  warmup?: number;
  repetitions?: number;
  concurrency?: number;
  threads?: number;
  name?: string;
}

export function registerBench(program: Command): void {
  // --db FILE (the run is stored there) or --server URL (stored through a running llmmon serve)
  whereOptions(program.command('bench'))
    .description(
      'benchmark LLMs: default three generated GGUF models (tiny f32, small q8_0, medium f16) in llama.cpp; ' +
        'prints the per-model summary, writes the metrics file and its dashboard, stores the run in DuckDB',
    )
    .option('-c, --config <file>', 'bench config (default: ./llmmon.bench.json when it exists)')
    .option('-o, --out <dir>', 'folder for the metrics file and dashboard (default: data/output/llm_metrics)')
    .option('--compare-last', 'compare with the previous run of the same config (regressions marked)')
    .option(
      '--serve-openai',
      'also serve the first local model over the OpenAI protocol (child process, loopback) and bench it through the OpenAI client',
    )
    .option(
      '--attach <target>',
      'also measure this process in every operation (repeatable): a pid, a process name, or :PORT for the process listening there, optionally @ROLE (default server; default $LLMMON_ATTACH)',
      collect,
    )
    .option(
      '-m, --model <spec>',
      'a model instead of the config’s (repeatable): tiny | small | medium | FILE.gguf | openai:MODEL@BASE_URL | ollama:MODEL[@HOST]',
      collect,
    )
    .option('-p, --prompts <file>', 'prompts: .txt (one per line), .json (array of strings) or .jsonl')
    .option('--max-tokens <n>', 'most tokens per generation (default 64)', positiveInt('--max-tokens'))
    .option('--warmup <n>', 'warm-up runs per model, not measured (default 2)', positiveInt('--warmup'))
    .option(
      '--repetitions <n>',
      'passes over the prompts per model (default 5)',
      positiveInt('--repetitions'),
    )
    .option('--concurrency <n>', 'generations in flight per model (default 1)', positiveInt('--concurrency'))
    .option(
      '--threads <n>',
      'llama.cpp threads (default 1 on machines with ≤ 4 CPUs)',
      positiveInt('--threads'),
    )
    .option(
      '--name <name>',
      'name of the bench (the run is "bench NAME: <settings that differ from the defaults> · <hash>")',
    )
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
        '  llmmon bench --model ollama:llama3.2 --attach ollama   # every ollama process, its model runners too\n' +
        '\nConfig format and metrics: docs/llmmon-bench.md',
    )
    .action(async (flags: BenchFlags) => {
      // Imported on use: `llmmon --help` and other commands stay quick.
      const [{ runBenchCommand }, { parseModelSpec }] = await Promise.all([
        import('../bench/bench.js'),
        import('../bench/config.js'),
      ]);
      const { model, prompts, maxTokens, warmup, repetitions, concurrency, threads, name, ...options } =
        flags;
      await runBenchCommand({
        ...options,
        // Only the flags given: an undefined value would replace the config's.
        overrides: {
          ...(model && { models: model.map(parseModelSpec) }),
          ...(prompts !== undefined && { promptsFile: prompts }),
          ...(maxTokens !== undefined && { maxTokens }),
          ...(warmup !== undefined && { warmupRuns: warmup }),
          ...(repetitions !== undefined && { repetitions }),
          ...(concurrency !== undefined && { concurrency }),
          ...(threads !== undefined && { threads }),
          ...(name !== undefined && { name }),
        },
      });
    });
}
