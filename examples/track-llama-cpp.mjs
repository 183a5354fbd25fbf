// Measure your own llama.cpp calls with llmmon: the adapter tracks each load and generation as
// an operation (time, CPU, memory, tokens, TTFT, ITL) on a monitor, which writes the metrics
// file that `llmmon dashboard` and `llmmon ingest` read.
//
// Run from the repository after `pnpm build`:  node examples/track-llama-cpp.mjs [model.gguf]
// In your own project the imports are '@llmmon/core', '@llmmon/core/adapters/llama-cpp' and
// '@llmmon/gguf'; here they point at the built packages so the example runs as is.

import { llamaCpp } from '../packages/core/dist/adapters/llama-cpp.js';
import { LLMMonitor } from '../packages/core/dist/index.js';
import { ensureLlamaGguf, MODEL_PRESETS } from '../packages/gguf/dist/index.js';

// A model file: the one given, or a small generated one (random weights: gibberish, real compute).
const generated = process.argv[2] ? null : await ensureLlamaGguf(MODEL_PRESETS.small);
const modelPath = process.argv[2] ?? generated.path;

const monitor = new LLMMonitor({ runName: 'example: llama.cpp', outputDir: process.env.LLMMON_OUTPUT_DIR });
const model = llamaCpp({ modelPath, name: generated?.spec.name, monitor, threads: 1 });
await model.load(); // recorded as operation "load"

for (const prompt of ['Why does the first token take longer?', 'Name three costs of a long prompt.']) {
  let text = '';
  // One "generate" operation per call: exact token counts from llama.cpp, TTFT, ITL.
  for await (const chunk of model.generate(prompt, { maxTokens: 32 })) text += chunk;
  console.log(`${prompt}\n  → ${JSON.stringify(text.slice(0, 60))}…`);
}

await model.dispose();
monitor.printSummary();
console.log(`metrics: ${await monitor.saveMetrics()}`);
await monitor.close();
