/** Monitor options from the environment (`getMonitor()`, and the sampler default of every monitor). */
import type { MonitorOptions } from './monitor.js';
import type { SamplerChoice } from './sampler/types.js';

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
  const sampler = samplerFromEnv(env);
  if (sampler) options.sampler = sampler;
  return options;
}

/**
 * `LLMMON_SAMPLER` (auto | native | js), or undefined when unset: the sampler of a monitor
 * created without a `sampler` option.
 * @throws RangeError when it holds anything else
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env): SamplerChoice | undefined {
  const choice = env.LLMMON_SAMPLER;
  if (!choice) return undefined;
  if (choice !== 'auto' && choice !== 'native' && choice !== 'js') {
    throw new RangeError(`LLMMON_SAMPLER must be auto, native or js, got ${JSON.stringify(choice)}`);
  }
  return choice;
}
