/** The process-wide monitor, configured from the environment (like the original `get_monitor()`). */
import { monitorOptionsFromEnv } from './env.js';
import { LLMMonitor, type MonitorOptions } from './monitor.js';

export { monitorOptionsFromEnv };

let instance: LLMMonitor | undefined;

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
