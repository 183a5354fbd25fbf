/**
 * `llmmon load`: serving benchmarks under load against an OpenAI-compatible or Ollama endpoint,
 * or a local GGUF model it serves itself; closed-loop concurrency and open-loop request-rate
 * levels, or a sweep to saturation. Definitions: docs/llmmon-load.md.
 */
import { type Command, Option } from 'commander';
import { CliError, positiveInt, whereOptions } from '../context.js';

interface LoadFlags {
  endpoint: 'chat' | 'completions' | 'ollama';
  baseUrl?: string;
  model?: string;
  serve?: string;
  attach?: number;
  concurrency?: number[];
  rate?: number[];
  burstiness: number;
  maxConcurrency?: number;
  saturate?: boolean;
  sweepFactor: number;
  maxLevels: number;
  minGain: number;
  sloAttainment: number;
  duration?: number;
  requests?: number;
  warmup: number;
  seed: number;
  prompts?: string;
  inputTokens?: string;
  outputTokens: string;
  fixedOutput?: boolean;
  temperature: number;
  timeout: number;
  slo?: string;
  name?: string;
  out?: string;
  report?: string;
  store: boolean;
  db?: string;
  server?: string;
}

/** A number > 0 (`inf` allowed where `infinite` says so). */
function positive(name: string, infinite = false) {
  return (value: string) => {
    const n = infinite && /^inf(inity)?$/i.test(value) ? Infinity : Number(value);
    if (!(n > 0) || (!infinite && !Number.isFinite(n)))
      throw new CliError(`${name}: expected a number > 0, got ${value}`);
    return n;
  };
}

/**
 * A list of levels: `1,2,4`, or `A..B` for A, 2A, 4A, … up to B.
 * @example levelList('--concurrency', true)('1..8') // [1, 2, 4, 8]
 */
export function levelList(name: string, integer: boolean) {
  const one = positive(name, !integer);
  return (value: string): number[] => {
    const range = /^\s*([\d.]+)\s*\.\.\s*([\d.]+)\s*$/.exec(value);
    let levels: number[];
    if (range) {
      const [from, to] = [one(range[1]!), one(range[2]!)];
      if (to < from) throw new CliError(`${name}: range ${value} runs backwards`);
      levels = [];
      for (let x = from; x <= to * (1 + 1e-9); x *= 2) levels.push(x);
    } else levels = value.split(',').map((s) => one(s.trim()));
    if (integer && !levels.every(Number.isInteger))
      throw new CliError(`${name}: expected whole numbers, got ${value}`);
    return levels;
  };
}

const fraction = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new CliError(`${name}: expected a number from 0 to 1, got ${value}`);
  return n;
};

export function registerLoad(program: Command): void {
  whereOptions(program.command('load'))
    .description(
      'serving benchmark under load: closed-loop concurrency or open-loop request-rate levels (or a sweep to ' +
        'saturation) against an OpenAI-compatible or Ollama endpoint, or a local model it serves; per level TTFT, ' +
        'ITL, TPOT, E2EL percentiles, throughput, goodput and what the level cost this process; stores the run in DuckDB',
    )
    .addOption(
      new Option(
        '--endpoint <api>',
        'API to load: chat (/v1/chat/completions), completions (/v1/completions), ollama (/api/generate)',
      )
        .choices(['chat', 'completions', 'ollama'])
        .default('chat'),
    )
    .option(
      '--base-url <url>',
      'endpoint: OpenAI base URL with /v1, or the Ollama host (API key: $OPENAI_API_KEY)',
    )
    .option('--model <id>', 'model id the endpoint serves')
    .option(
      '--serve <model>',
      'serve this local model in a child process and load it: tiny | small | medium | FILE.gguf',
    )
    .option(
      '--attach <pid>',
      'measure this server process on this machine per level (CPU, memory, GPU, energy); --serve attaches its child',
      positiveInt('--attach'),
    )
    .option(
      '-c, --concurrency <levels>',
      'closed loop: requests in flight per level, e.g. 1,2,4 or 1..16 (doubling)',
      levelList('--concurrency', true),
    )
    .option(
      '-r, --rate <levels>',
      'open loop: requests/s per level, e.g. 0.5,1,2, 1..8 (doubling) or inf',
      levelList('--rate', false),
    )
    .option(
      '--burstiness <b>',
      'open loop: gamma shape of arrival gaps; 1 = Poisson, < 1 burstier (default 1)',
      positive('--burstiness'),
      1,
    )
    .option(
      '--max-concurrency <n>',
      'open loop: at most this many in flight (later arrivals wait)',
      positiveInt('--max-concurrency'),
    )
    .option(
      '--saturate',
      'raise the load from the first level (× --sweep-factor) until throughput stops rising or the SLO breaks',
    )
    .option(
      '--sweep-factor <x>',
      'with --saturate: load multiplier per level (default 2)',
      positive('--sweep-factor'),
      2,
    )
    .option('--max-levels <n>', 'with --saturate: most levels (default 8)', positiveInt('--max-levels'), 8)
    .option(
      '--min-gain <x>',
      'with --saturate: throughput gain below which a level counts as no rise (default 0.1)',
      fraction('--min-gain'),
      0.1,
    )
    .option(
      '--slo-attainment <x>',
      'with --saturate and --slo: share of requests that must meet the SLO (default 0.9)',
      fraction('--slo-attainment'),
      0.9,
    )
    .option(
      '-d, --duration <seconds>',
      'per level: send for this long (measured part)',
      positive('--duration'),
    )
    .option(
      '-n, --requests <n>',
      'per level: measured requests (default 20 when no --duration)',
      positiveInt('--requests'),
    )
    .option(
      '--warmup <n>',
      'per level: requests sent first and not measured (default 2)',
      positiveInt('--warmup'),
      2,
    )
    .option(
      '--seed <n>',
      'seed of every random choice: arrivals, prompt order, lengths (default 0)',
      positiveInt('--seed'),
      0,
    )
    .option(
      '-p, --prompts <file>',
      'prompts: .txt (one per line), .json (array of strings) or .jsonl (default: the built-in set)',
    )
    .option(
      '--input-tokens <mean[:sd]>',
      'synthetic prompts of this length (words of ~1 token) instead of --prompts',
    )
    .option('--output-tokens <mean[:sd]>', 'max_tokens per request, drawn per request (default 64)', '64')
    .option('--fixed-output', 'ask for exactly max_tokens (ignore_eos and min_tokens, as vLLM reads them)')
    .option('--temperature <t>', 'sampling temperature (default 0)', Number, 0)
    .option(
      '--timeout <seconds>',
      'per request; slower ones fail as "timeout" (default 600)',
      positive('--timeout'),
      600,
    )
    .option(
      '--slo <targets>',
      'latency targets for goodput, e.g. ttft=500ms,tpot=50ms,e2el=5s (bare numbers: ms)',
    )
    .option('--name <name>', 'name of the run ("load: NAME"; default the model)')
    .option('-o, --out <dir>', 'folder for the metrics file (default: data/output/llm_metrics)')
    .option('--report <file>', 'also write the per-level results as JSON')
    .option('--no-store', 'do not store the run in DuckDB')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  llmmon load --serve tiny -c 1,2,4 -n 20               # a local generated model, three concurrency levels\n' +
        '  llmmon load --base-url http://127.0.0.1:8000/v1 --model m -r 1..8 -d 30 --slo ttft=500,tpot=50\n' +
        '  llmmon load --endpoint ollama --base-url http://127.0.0.1:11434 --model llama3 -c 1 --saturate\n' +
        '\nMetrics and their definitions: docs/llmmon-load.md',
    )
    .action(async (flags: LoadFlags) => {
      const [{ runLoadCommand }, { parseSlo }, { parseLength }] = await Promise.all([
        import('../load/load.js'),
        import('../load/metrics.js'),
        import('../load/prompts.js'),
      ]);
      const input = <T>(parse: () => T): T => {
        try {
          return parse();
        } catch (error) {
          throw new CliError((error as Error).message);
        }
      };
      if (!flags.serve && (!flags.baseUrl || !flags.model))
        throw new CliError('give --base-url and --model, or --serve tiny|small|medium|FILE.gguf');
      if (flags.concurrency && flags.rate) throw new CliError('give --concurrency or --rate, not both');
      const levels = flags.rate
        ? flags.rate.map((rate) => ({
            mode: 'rate' as const,
            rate,
            burstiness: flags.burstiness,
            maxConcurrency: flags.maxConcurrency ?? null,
          }))
        : (flags.concurrency ?? [1]).map((concurrency) => ({ mode: 'concurrency' as const, concurrency }));
      await runLoadCommand({
        target: {
          kind: flags.endpoint,
          baseURL: flags.baseUrl ?? null,
          model: flags.model ?? null,
          timeoutMs: flags.timeout * 1000,
          temperature: flags.temperature,
          fixedOutput: flags.fixedOutput ?? false,
        },
        serve: flags.serve ?? null,
        attach: flags.attach ?? null,
        plan: flags.saturate
          ? {
              kind: 'saturate',
              first: levels[0]!,
              factor: flags.sweepFactor,
              maxLevels: flags.maxLevels,
              minGain: flags.minGain,
              attainment: flags.sloAttainment,
            }
          : { kind: 'list', levels },
        limits: {
          durationSeconds: flags.duration ?? null,
          requests: flags.requests ?? (flags.duration === undefined ? 20 : null),
          warmup: flags.warmup,
        },
        seed: flags.seed,
        prompts: flags.prompts ?? null,
        inputTokens: flags.inputTokens
          ? input(() => parseLength('--input-tokens', flags.inputTokens!))
          : null,
        outputTokens: input(() => parseLength('--output-tokens', flags.outputTokens)),
        slo: flags.slo ? input(() => parseSlo(flags.slo!)) : null,
        name: flags.name ?? null,
        noStore: !flags.store,
        ...(flags.out && { out: flags.out }),
        ...(flags.report && { report: flags.report }),
        ...(flags.db && { db: flags.db }),
        ...(flags.server && { server: flags.server }),
      });
    });
}
