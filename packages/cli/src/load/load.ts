/**
 * `llmmon load` end to end: the target (an endpoint, or a local GGUF model served from a child
 * process), the levels (a list, or a sweep raised until saturation), each level run as one
 * operation on a monitor with its requests as operations inside it (the level in each record's
 * metadata) and, when the server runs here, the server process measured over the same span, the
 * per-level table, the metrics file, the JSON report and the run stored in
 * DuckDB like `llmmon bench` stores its runs.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_OUTPUT_DIR, LLMMonitor, type Operation, type OperationRecord } from '@llmmon/core';
import { LOAD_LEVEL_OPERATION } from '@llmmon/core/schema';
import { DEFAULT_DB_PATH } from '@llmmon/server/defaults';
import type { ServedModelProcess } from '../model-server/serve-openai.js';
import { type LoadClient, type LoadPrompt, loadClient, type Target } from './client.js';
import { type LevelLimits, type LevelSpec, levelLabel, runLevel } from './levels.js';
import { latencies, levelStats, type RequestResult, type Slo } from './metrics.js';
import { type LoadProgress, loadProgress } from './progress.js';
import { type LengthSpec, promptSource } from './prompts.js';
import { type LevelResult, type LoadReport, levelCost } from './report.js';
import { saturationVerdict } from './saturation.js';
import { type ServerCost, type ServerWatch, unmeasured, watchServer } from './server-cost.js';
import { formatLoadTable } from './table.js';

/** The load levels: a list, or a sweep raised until saturation. */
export type LevelPlan =
  | { kind: 'list'; levels: LevelSpec[] }
  | {
      kind: 'saturate';
      first: LevelSpec;
      factor: number;
      maxLevels: number;
      minGain: number;
      attainment: number;
    };

export interface LoadCommandOptions {
  /** The endpoint; its `baseURL`/`model` are filled in by `serve`. */
  target: Omit<Target, 'baseURL' | 'model'> & { baseURL: string | null; model: string | null };
  /** Serve this model (tiny | small | medium | FILE.gguf) from a child process and load it. */
  serve: string | null;
  /** Pid of the server process on this machine, to measure per level (`--serve`: its child). */
  attach?: number | null;
  plan: LevelPlan;
  limits: LevelLimits;
  seed: number;
  prompts: string | null;
  inputTokens: LengthSpec | null;
  outputTokens: LengthSpec;
  slo: Slo | null;
  name: string | null;
  out?: string;
  db?: string;
  server?: string;
  report?: string;
  /** Skip storing the run in DuckDB. */
  noStore?: boolean;
  cwd?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface LoadOutcome {
  runId: string;
  levels: LevelResult[];
  saturation: number | null;
  metricsFile: string;
  report: LoadReport;
}

/** Serves a generated or GGUF model from a child process with `slots` sequences. */
async function serveLocal(
  spec: string,
  slots: number,
  log: (l: string) => void,
): Promise<ServedModelProcess> {
  const [{ loadBenchConfig, parseModelSpec }, { prepareModels }, { serveModelInChild }] = await Promise.all([
    import('../bench/config.js'),
    import('../bench/models.js'),
    import('../model-server/serve-openai.js'),
  ]);
  const config = await loadBenchConfig({ file: null, overrides: { models: [parseModelSpec(spec)] } });
  const [model] = await prepareModels(config, { onStatus: log });
  if (!model?.file) throw new Error(`--serve ${spec}: not a local model (tiny, small, medium or FILE.gguf)`);
  const served = await serveModelInChild({
    file: model.file,
    name: model.name,
    sequences: slots,
    ...(config.threads !== null && { threads: config.threads }),
  });
  log(
    `serving ${model.name} (${model.description}) at ${served.openaiBaseURL}, child process ${served.pid}, ${slots} slots`,
  );
  return served;
}

/** Requests in flight a level may have: its concurrency, its open-loop cap, or 8 without one. */
const concurrencyOf = (spec: LevelSpec) =>
  spec.mode === 'concurrency' ? spec.concurrency : (spec.maxConcurrency ?? 8);

/** The next level of a sweep: concurrency or rate times `factor`. */
function raise(spec: LevelSpec, factor: number): LevelSpec {
  return spec.mode === 'concurrency'
    ? { ...spec, concurrency: Math.max(spec.concurrency + 1, Math.round(spec.concurrency * factor)) }
    : { ...spec, rate: spec.rate * factor };
}

/** The most requests any level of `plan` may have in flight (open-loop levels without a cap: ∞). */
function maxInFlight(plan: LoadCommandOptions['plan']): number {
  const inFlight = (spec: LevelSpec) =>
    spec.mode === 'concurrency' ? spec.concurrency : (spec.maxConcurrency ?? Number.POSITIVE_INFINITY);
  if (plan.kind === 'list') return Math.max(...plan.levels.map(inFlight));
  let spec = plan.first;
  for (let i = 1; i < plan.maxLevels; i++) spec = raise(spec, plan.factor);
  return inFlight(spec);
}

/**
 * Runs `llmmon load`.
 * @throws Error with one line when the target cannot be reached or served, or the run not stored
 */
export async function runLoadCommand(options: LoadCommandOptions): Promise<LoadOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const progress = loadProgress(stderr);
  const log = progress.log;
  const plan = options.plan;
  const planned = plan.kind === 'list' ? plan.levels : [plan.first];
  const maxSlots =
    plan.kind === 'list'
      ? Math.max(...planned.map(concurrencyOf))
      : concurrencyOf(plan.first) * plan.factor ** (plan.maxLevels - 1);

  const served = options.serve
    ? await serveLocal(options.serve, Math.min(64, Math.ceil(maxSlots)), log)
    : null;
  try {
    const target: Target = {
      ...options.target,
      baseURL: served
        ? options.target.kind === 'ollama'
          ? served.url
          : served.openaiBaseURL
        : options.target.baseURL!,
      model: served?.model ?? options.target.model!,
    };
    const prompts = await promptSource({
      file: options.prompts && path.resolve(cwd, options.prompts),
      inputTokens: options.inputTokens,
      outputTokens: options.outputTokens,
      seed: options.seed,
    });
    const client = await loadClient(target, maxInFlight(plan));
    const settings = {
      target: { kind: target.kind, model: target.model, served: options.serve },
      plan,
      limits: options.limits,
      seed: options.seed,
      prompts: prompts.description,
      slo: options.slo,
    };
    const configHash = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
    const monitor = new LLMMonitor({
      outputDir: path.resolve(cwd, options.out ?? DEFAULT_OUTPUT_DIR),
      runName: `load: ${options.name ?? target.model}`,
      tags: {
        load: options.name ?? target.model,
        // The bench's tag, so `--compare-last`-style lookups find runs of the same settings.
        bench_config_hash: configHash,
        endpoint: target.kind,
        base_url: target.baseURL,
        model: target.model,
        ...(options.serve && { served_model: options.serve, server_pid: served!.pid }),
        prompts: prompts.description,
        seed: options.seed,
        warmup: options.limits.warmup,
        ...(options.limits.durationSeconds !== null && {
          level_duration_seconds: options.limits.durationSeconds,
        }),
        ...(options.limits.requests !== null && { level_requests: options.limits.requests }),
        ...(options.slo && { slo: JSON.stringify(options.slo) }),
      },
    });
    const serverPid = served?.pid ?? options.attach ?? null;
    const watch = serverPid === null ? null : await watchServer(serverPid);
    if (watch && 'reason' in watch) log(`server process ${serverPid}: not measured (${watch.reason})`);
    const levels: LevelResult[] = [];
    let verdict: ReturnType<typeof saturationVerdict> | null = null;
    let metricsFile: string;
    try {
      for (let spec: LevelSpec | null = planned[0]!, i = 0; spec; i++) {
        const label = levelLabel(spec);
        log(`level ${i + 1} ${label}: running`);
        progress.level(label, options.limits);
        const server =
          watch === null ? null : 'reason' in watch ? unmeasured(serverPid!, watch.reason) : watch;
        const { results, record, serverCost } = await runOneLevel(
          { monitor, client, model: target.model, index: i, label, spec, server, progress },
          options,
          prompts.next,
        );
        const stats = levelStats(results, options.slo);
        levels.push({ index: i, label, spec, stats, cost: levelCost(record, stats, serverCost) });
        log(
          `level ${i + 1} ${label}: ${stats.completed} ok, ${stats.failed} failed, ${stats.requestThroughput?.toFixed(2) ?? '—'} req/s`,
        );
        if (plan.kind === 'list') spec = plan.levels[i + 1] ?? null;
        else {
          verdict = saturationVerdict(
            levels.map((l) => l.stats),
            { minGain: plan.minGain, attainment: options.slo ? plan.attainment : null },
          );
          spec = verdict.stop || i + 1 >= plan.maxLevels ? null : raise(spec, plan.factor);
        }
      }
      metricsFile = await monitor.saveMetrics();
    } finally {
      progress.stop();
      client.close();
      if (watch && !('reason' in watch)) watch.stop();
      await monitor.close();
    }
    const saturation = verdict?.saturation ?? null;
    stdout.write(`\n${formatLoadTable(levels, saturation)}\n`);
    if (verdict) {
      const where =
        saturation === null ? 'none (the first level already broke the SLO)' : levels[saturation]!.label;
      stdout.write(
        `saturation: ${where}${verdict.reason ? ` (${verdict.reason})` : ' (the sweep hit its last level)'}\n`,
      );
    }
    stdout.write(`metrics:   ${metricsFile}\n`);
    const report: LoadReport = {
      run_id: monitor.runId,
      target: { kind: target.kind, base_url: target.baseURL, model: target.model },
      seed: options.seed,
      slo: options.slo,
      levels,
      saturation: verdict && {
        level: saturation === null ? null : levels[saturation]!.label,
        reason: verdict.reason,
      },
    };
    if (options.report) {
      const file = path.resolve(cwd, options.report);
      await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
      stdout.write(`report:    ${file}\n`);
    }
    if (!options.noStore) {
      const { storeBenchRun } = await import('../bench/store-run.js');
      const stored = await storeBenchRun({
        db: path.resolve(cwd, options.db ?? DEFAULT_DB_PATH),
        server: options.server,
        metricsFile,
        runId: monitor.runId,
        configHash,
        compareLast: false,
        log,
        out: stdout,
      }).catch((error: Error) => {
        throw new Error(
          `run not stored (${error.message.split('\n')[0]}); the files are written: store them later with \`llmmon ingest ${metricsFile}\``,
        );
      });
      stdout.write(`stored:    run ${monitor.runId} in ${stored.where}\n`);
    }
    return { runId: monitor.runId, levels, saturation, metricsFile, report };
  } finally {
    await served?.close();
  }
}

interface LevelContext {
  monitor: LLMMonitor;
  client: LoadClient;
  model: string;
  index: number;
  label: string;
  spec: LevelSpec;
  /** The attached server process (a window per level), or why it is not measured, or none. */
  server: ServerWatch | ServerCost | null;
  progress: LoadProgress;
}

/**
 * One level as one operation (`load-level`), each of its requests an operation inside it; the
 * server's window spans the same time.
 */
async function runOneLevel(
  { monitor, client, model, index, label, spec, server, progress }: LevelContext,
  options: LoadCommandOptions,
  nextPrompt: () => LoadPrompt,
): Promise<{ results: RequestResult[]; record: OperationRecord; serverCost: ServerCost | null }> {
  const level = { load_level: index, load_level_label: label, ...spec };
  let op: Operation | null = null;
  let serverCost: ServerCost | null = server && 'pid' in server ? server : null;
  // Per-model statistics leave out load-level operations (core's default exclusions), so whole
  // levels never mix with the requests.
  const results = await monitor.trackOperation(model, LOAD_LEVEL_OPERATION, 0, async (levelOp) => {
    op = levelOp;
    const window = server && 'open' in server ? server.open() : null;
    const results = await runLevel({
      index,
      spec,
      limits: options.limits,
      seed: options.seed + index,
      nextPrompt,
      onResult: (result) => progress.done(result),
      send: (prompt, warmup) =>
        monitor.trackOperation(model, warmup ? 'warmup' : 'request', prompt.text.length, async (op) => {
          const sent = await client.send(prompt, () => op.markFirstToken());
          op.setTokens({
            ...(sent.inputTokens !== null && { input: sent.inputTokens }),
            ...(sent.outputTokens !== null && { output: sent.outputTokens }),
          });
          const l = latencies({ ...sent, level: index, warmup });
          op.setMetadata({
            ...level,
            max_tokens: prompt.maxTokens,
            output_tokens_from: sent.tokensFrom,
            ttft_seconds: l.ttft,
            tpot_seconds: l.tpot,
            e2el_seconds: l.e2el,
            itl_seconds: l.itl,
            ...(sent.error && { error_kind: sent.error.kind }),
          });
          if (sent.error) op.fail(new Error(`${sent.error.kind}: ${sent.error.message}`));
          return sent;
        }),
    });
    if (window !== null) serverCost = (server as ServerWatch).close(window);
    const stats = levelStats(results, options.slo);
    levelOp.setTokens({
      ...(stats.inputTokens !== null && { input: stats.inputTokens }),
      output: stats.outputTokens,
    });
    levelOp.setMetadata({
      ...level,
      completed: stats.completed,
      failed: stats.failed,
      errors: stats.errors,
      request_throughput: stats.requestThroughput,
      output_token_throughput: stats.outputTokenThroughput,
      total_token_throughput: stats.totalTokenThroughput,
      goodput: stats.goodput,
      concurrency: stats.concurrency,
      ttft_p50_seconds: stats.ttft.p50,
      ttft_p99_seconds: stats.ttft.p99,
      tpot_p50_seconds: stats.tpot.p50,
      tpot_p99_seconds: stats.tpot.p99,
      itl_p50_seconds: stats.itl.p50,
      itl_p99_seconds: stats.itl.p99,
      e2el_p50_seconds: stats.e2el.p50,
      e2el_p99_seconds: stats.e2el.p99,
      ...(serverCost && { server: serverCost }),
    });
    return results;
  });
  return { results, record: (op as Operation | null)!.record!, serverCost };
}
