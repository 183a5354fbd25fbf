/**
 * `llmmon bench` end to end: config → models (generated, checked) → runs on a monitor with
 * progress → metrics file → static dashboard beside it → one DuckDB transaction → the summary,
 * the links and, with `--compare-last`, the comparison with the previous run of the same config.
 * Nothing reaches the database unless the whole run succeeded.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_OUTPUT_DIR, LLMMonitor, parseAttachTarget } from '@llmmon/core';
import { openAICompatible } from '@llmmon/core/adapters/openai';
import { createDashboard } from '@llmmon/dashboard';
import { DEFAULT_DB_PATH, DEFAULT_PORT } from '@llmmon/server/defaults';
import { type ServedModelProcess, serveModelInChild } from '../model-server/serve-openai.js';
import {
  type BenchConfig,
  BenchConfigError,
  type BenchOverrides,
  benchConfigHash,
  benchRunName,
  DEFAULT_CONFIG_FILE,
  loadBenchConfig,
} from './config.js';
import { displayPath, type PreparedModel, prepareModels } from './models.js';
import { createProgress } from './progress.js';
import { runBench } from './runner.js';
import { type BenchModelSummary, formatBenchTable, summarizeBench } from './summary.js';

export interface BenchCommandOptions {
  /** Config file; default `llmmon.bench.json` in `cwd` when it exists, else the defaults. */
  config?: string;
  /** Where the metrics file and dashboard go; default `data/output/llm_metrics`. */
  out?: string;
  /** DuckDB file; default `data/llmmon.duckdb`. */
  db?: string;
  /**
   * Store the run through this running llmmon server instead of the file; the monitor also sends
   * it live there, so the server's live view shows the bench as it runs. Default:
   * `LLMMON_SERVER_URL` (the monitor's variable), when set.
   */
  server?: string;
  /** Environment (`LLMMON_SERVER_URL`, `LLMMON_TOKEN`); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Print the comparison with the previous run of the same config. */
  compareLast?: boolean;
  /** Also bench the first local model through the OpenAI client, served from a child process. */
  serveOpenai?: boolean;
  /**
   * Other processes to measure in every operation (a model server on this machine): pids, process
   * names or `:PORT`s, as `LLMMonitor`'s `attach` reads them; default `$LLMMON_ATTACH`.
   */
  attach?: string[];
  /** Flags on top of the config. */
  overrides?: BenchOverrides;
  /** Where generated models are cached. */
  cacheDir?: string;
  cwd?: string;
  /** Results (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Progress and status (default process.stderr). */
  stderr?: NodeJS.WriteStream;
}

export interface BenchOutcome {
  runId: string;
  config: BenchConfig;
  configHash: string;
  metricsFile: string;
  dashboard: { path: string; url: string };
  db: string;
  summary: BenchModelSummary[];
  /** The run `--compare-last` compared with (null when none, or not asked). */
  previousRunId: string | null;
  wallSeconds: number;
}

/** The bench failed after running: the message says what was written and how to recover. */
export class BenchStoreError extends Error {
  override name = 'BenchStoreError';
}

/**
 * Runs `llmmon bench`.
 * @throws BenchConfigError (bad config, missing or broken model file: nothing run, nothing written),
 *   ModelLoadError (a model could not load: nothing stored), BenchStoreError (run and files fine,
 *   database not updated)
 */
export async function runBenchCommand(options: BenchCommandOptions = {}): Promise<BenchOutcome> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const stdout = options.stdout ?? process.stdout;
  const defaultConfig = path.join(cwd, DEFAULT_CONFIG_FILE);
  const configFile = options.config ?? (existsSync(defaultConfig) ? defaultConfig : null);
  const config = await loadBenchConfig({ file: configFile, overrides: options.overrides ?? {} });
  // A malformed --attach is refused before any model is prepared.
  for (const target of options.attach ?? []) {
    try {
      parseAttachTarget(target);
    } catch (error) {
      throw new BenchConfigError(`--attach: ${(error as Error).message}`);
    }
  }
  const configHash = benchConfigHash(config, { serveOpenai: options.serveOpenai ?? false });
  const outDir = path.resolve(cwd, options.out ?? DEFAULT_OUTPUT_DIR);
  const dbPath = path.resolve(cwd, options.db ?? DEFAULT_DB_PATH);
  const env = options.env ?? process.env;
  const server = options.server ?? (env.LLMMON_SERVER_URL || undefined);

  const progress = createProgress(options.stderr ?? process.stderr);
  const models = await prepareModels(config, {
    onStatus: (line) => progress.log(line),
    ...(options.cacheDir && { cacheDir: options.cacheDir }),
  });
  progress.log(
    `llmmon bench "${config.name}": ${models.length} model(s) × ${config.prompts.length} prompts (${config.promptSource}), ` +
      `${config.warmupRuns} warm-up, ${config.repetitions} repetitions, ${config.maxTokens} max tokens, concurrency ${config.concurrency}`,
  );

  let served: ServedModelProcess | null = null;
  const monitor = new LLMMonitor({
    outputDir: outDir,
    ...(options.attach !== undefined && { attach: options.attach }),
    runName: benchRunName(config, configHash, { serveOpenai: options.serveOpenai ?? false }),
    // Sent live to the server the run is stored through: its live view shows the bench running.
    ...(server && { serverUrl: server, serverToken: env.LLMMON_TOKEN ?? null }),
    tags: {
      bench: config.name,
      bench_config_hash: configHash,
      ...(config.file && { bench_config_file: config.file }),
      prompts: `${config.prompts.length} (${config.promptSource})`,
      max_tokens: config.maxTokens,
      warmup_runs: config.warmupRuns,
      repetitions: config.repetitions,
      concurrency: config.concurrency,
      temperature: config.temperature,
      ...Object.fromEntries(models.map((m) => [`model ${m.name}`, m.description])),
    },
  });
  if (server)
    progress.log(`live view: ${server.replace(/\/+$/, '')}/#/live?run=${encodeURIComponent(monitor.runId)}`);
  let metricsFile: string;
  try {
    if (options.serveOpenai) {
      served = await startServedModel(models, config, (line) => progress.log(line));
      // Right after the model it serves: process RSS only grows as bigger models run, so the
      // client-side numbers are read before a bigger model has raised the floor.
      const at = models.findIndex((m) => m.name === served!.model);
      models.splice(at + 1, 0, servedModel(served, models));
    }
    try {
      await runBench(models, config, monitor, progress);
    } finally {
      progress.stop();
      await served?.close();
    }
    metricsFile = await monitor.saveMetrics();
  } finally {
    await monitor.close();
  }
  const dashboard = await createDashboard(metricsFile);
  const summary = summarizeBench(monitor.operations);

  stdout.write(`\n${formatBenchTable(summary)}\n\n`);
  stdout.write(`metrics:   ${metricsFile}\n`);
  stdout.write(`dashboard: ${dashboard.url}\n`);

  // The run is stored only now, whole, in one transaction.
  const { storeBenchRun } = await import('./store-run.js');
  let stored: Awaited<ReturnType<typeof storeBenchRun>>;
  try {
    stored = await storeBenchRun({
      db: dbPath,
      server,
      metricsFile,
      runId: monitor.runId,
      configHash,
      compareLast: options.compareLast ?? false,
      log: (line) => progress.log(line),
      out: stdout,
    });
  } catch (error) {
    throw new BenchStoreError(
      `run not stored (${(error as Error).message.split('\n')[0]}); the files are written: store them later with \`llmmon ingest ${metricsFile}\``,
    );
  }
  const previousRunId = stored.previousRunId;
  const wallSeconds = (performance.now() - started) / 1000;
  stdout.write(`stored:    run ${monitor.runId} in ${stored.where}\n`);
  if (stored.where.startsWith('the server at ')) {
    stdout.write(
      `open it:   ${stored.where.slice('the server at '.length)}/#/runs/${encodeURIComponent(monitor.runId)}\n`,
    );
  } else {
    stdout.write(
      `serve it:  llmmon serve --db ${displayPath(dbPath)}   then open http://127.0.0.1:${DEFAULT_PORT}/#/runs/${encodeURIComponent(monitor.runId)}\n`,
    );
  }
  stdout.write(`done in ${wallSeconds.toFixed(1)} s\n`);
  return {
    runId: monitor.runId,
    config,
    configHash,
    metricsFile,
    dashboard,
    db: dbPath,
    summary,
    previousRunId,
    wallSeconds,
  };
}

/** The model `--serve-openai` serves: the first local one. */
async function startServedModel(
  models: readonly PreparedModel[],
  config: BenchConfig,
  log: (line: string) => void,
): Promise<ServedModelProcess> {
  const local = models.find((m) => m.file !== null);
  if (!local)
    throw new BenchConfigError('--serve-openai: the config has no local model (generated or gguf) to serve');
  const served = await serveModelInChild({
    file: local.file!,
    name: local.name,
    sequences: config.concurrency,
    ...(config.threads !== null && { threads: config.threads }),
  });
  log(
    `serving ${local.name} at ${served.openaiBaseURL} (child process ${served.pid}); benching it through the OpenAI client too`,
  );
  return served;
}

function servedModel(served: ServedModelProcess, models: readonly PreparedModel[]): PreparedModel {
  const local = models.find((m) => m.name === served.model)!;
  return {
    name: `${served.model}@openai`,
    kind: 'openai',
    description: `${local.description}, served over OpenAI's protocol at ${served.openaiBaseURL}`,
    file: null,
    fileBytes: null,
    create: (monitor) =>
      openAICompatible({
        baseURL: served.openaiBaseURL,
        model: served.model,
        name: `${served.model}@openai`,
        monitor,
      }),
  };
}
