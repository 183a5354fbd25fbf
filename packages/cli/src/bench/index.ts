/**
 * `@llmmon/cli/bench`: what `llmmon bench` is made of, for programs that want to run a bench
 * or serve a local model over HTTP themselves.
 */

export {
  chatPrompt,
  type LocalServer,
  type LocalServerOptions,
  type ServableModel,
  type ServedRequest,
  startLocalServer,
} from '../model-server/local-server.js';
export {
  type BenchCommandOptions,
  type BenchOutcome,
  BenchStoreError,
  runBenchCommand,
} from './bench.js';
export {
  type BenchConfig,
  BenchConfigError,
  type BenchConfigInput,
  BenchConfigSchema,
  type BenchOverrides,
  benchConfigHash,
  DEFAULT_CONFIG_FILE,
  DEFAULT_MODELS,
  loadBenchConfig,
  type ModelEntry,
  parseModelSpec,
} from './config.js';
export { type PreparedModel, prepareModels } from './models.js';
export { BUILTIN_PROMPTS, readPromptsFile } from './prompts.js';
export { ModelLoadError, planRuns, runBench } from './runner.js';
export { type BenchModelSummary, formatBenchTable, summarizeBench } from './summary.js';
