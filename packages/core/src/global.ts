/** The process-wide monitor, configured from the environment (like the original `get_monitor()`). */
import { LLMMonitor, type MonitorOptions } from './monitor.js';
import type { SamplerChoice } from './sampler/types.js';

let instance: LLMMonitor | undefined;

/**
 * Monitor options from environment variables: `LLMMON_OUTPUT_DIR`, `LLMMON_SERVER_URL`,
 * `LLMMON_TOKEN`, `LLMMON_SAMPLE_INTERVAL_MS`, `LLMMON_SAMPLER` (auto | native | js).
 * @throws RangeError naming the variable whose value is not valid
 */
export function monitorOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MonitorOptions {
  const options: MonitorOptions = {};
  if (env.LLMMON_OUTPUT_DIR) options.outputDir = env.LLMMON_OUTPUT_DIR;
  if (env.LLMMON_SERVER_URL) options.serverUrl = env.LLMMON_SERVER_URL;
  if (env.LLMMON_TOKEN) options.serverToken = env.LLMMON_TOKEN;
  if (env.LLMMON_SAMPLE_INTERVAL_MS) {
    const ms = Number(env.LLMMON_SAMPLE_INTERVAL_MS);
    if (!(ms > 0 && Number.isFinite(ms))) {
      throw new RangeError(
        `LLMMON_SAMPLE_INTERVAL_MS must be a number > 0, got ${JSON.stringify(env.LLMMON_SAMPLE_INTERVAL_MS)}`,
      );
    }
    options.sampleIntervalMs = ms;
  }
  if (env.LLMMON_SAMPLER) {
    const choice = env.LLMMON_SAMPLER;
    if (choice !== 'auto' && choice !== 'native' && choice !== 'js') {
      throw new RangeError(`LLMMON_SAMPLER must be auto, native or js, got ${JSON.stringify(choice)}`);
    }
    options.sampler = choice as SamplerChoice;
  }
  return options;
}

/**
 * The process-wide monitor, created on first call from the environment (see
 * `monitorOptionsFromEnv`) merged with `options`; later calls return the same instance (their
 * options are ignored) until it is closed.
 * @example
 * import { getMonitor } from '@llmmon/core';
 * await getMonitor().trackOperation('llama', 'inference', q.length, () => model.ask(q));
 */
export function getMonitor(options: MonitorOptions = {}): LLMMonitor {
  if (!instance || instance.closed) instance = new LLMMonitor({ ...monitorOptionsFromEnv(), ...options });
  return instance;
}
