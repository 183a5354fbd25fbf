/**
 * Runs the bench: for each model in turn, load (its own operation), the warm-up runs, then the
 * measured runs (every prompt, `repetitions` times), `concurrency` generations at a time. Every
 * run is one operation on the monitor; a failed run is recorded as an error and the bench goes
 * on. A model that cannot load stops the bench: its numbers would be missing, not slow.
 */
import type { LLMMonitor } from '@llmmon/core';
import type { LLMModel } from '@llmmon/core/adapters/llama-cpp';
import type { BenchConfig } from './config.js';
import type { PreparedModel } from './models.js';

/** Thrown when a model cannot be loaded; names the model. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export interface RunEvents {
  /** A model starts: `total` runs (warm-up + measured) follow its load. */
  onModelStart?: (model: PreparedModel, total: number) => void;
  onModelLoaded?: (model: PreparedModel) => void;
  /** A run ended (ok or not). */
  onRun?: (model: PreparedModel, phase: 'warmup' | 'measure', ok: boolean) => void;
  onModelEnd?: (model: PreparedModel) => void;
}

interface Task {
  prompt: string;
  operation: 'warmup' | 'generate';
}

/** Runs `tasks` with at most `concurrency` in flight, in order of start. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The runs of one model: warm-ups cycle through the prompts, then each prompt `repetitions` times. */
export function planRuns(config: Pick<BenchConfig, 'prompts' | 'warmupRuns' | 'repetitions'>): {
  warmup: Task[];
  measured: Task[];
} {
  const { prompts } = config;
  return {
    warmup: Array.from({ length: config.warmupRuns }, (_, i) => ({
      prompt: prompts[i % prompts.length]!,
      operation: 'warmup' as const,
    })),
    measured: Array.from({ length: config.repetitions }, () =>
      prompts.map((prompt) => ({ prompt, operation: 'generate' as const })),
    ).flat(),
  };
}

async function drain(model: LLMModel, task: Task, config: BenchConfig): Promise<boolean> {
  try {
    for await (const _ of model.generate(task.prompt, {
      maxTokens: config.maxTokens,
      temperature: config.temperature,
      operation: task.operation,
    })) {
      // the monitor times and counts the chunks; the text itself is not kept
    }
    return true;
  } catch {
    return false; // recorded by the monitor as status "error" with the message
  }
}

/**
 * Benches `models` on `monitor`.
 * @throws ModelLoadError when a model cannot load (the models before it are done)
 */
export async function runBench(
  models: readonly PreparedModel[],
  config: BenchConfig,
  monitor: LLMMonitor,
  events: RunEvents = {},
): Promise<void> {
  const { warmup, measured } = planRuns(config);
  for (const prepared of models) {
    const model = prepared.create(monitor);
    events.onModelStart?.(prepared, warmup.length + measured.length);
    try {
      try {
        await model.load();
      } catch (error) {
        throw new ModelLoadError(`${prepared.name}: cannot load: ${(error as Error).message.split('\n')[0]}`);
      }
      events.onModelLoaded?.(prepared);
      await pool(warmup, config.concurrency, async (task) => {
        events.onRun?.(prepared, 'warmup', await drain(model, task, config));
      });
      await pool(measured, config.concurrency, async (task) => {
        events.onRun?.(prepared, 'measure', await drain(model, task, config));
      });
    } finally {
      await model.dispose();
      events.onModelEnd?.(prepared);
    }
  }
}
