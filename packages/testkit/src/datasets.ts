/**
 * The run-store dataset of the comparison suite: runs of operations as the original Python monitor wrote them (its
 * thirteen fields, one JSON array per run: what its users kept and scanned to compare runs),
 * and the same operations as llmmon records (`normalizeMetrics` of such a file: the extension
 * fields null, `run_id` and `seq` set). Seeded: every run of the suite stores the same numbers.
 */

import { mulberry32 } from '@llmmon/core/random';
import {
  OPERATION_COLUMNS,
  type OperationRecord,
  originalRunHeader,
  type RunHeader,
} from '@llmmon/core/schema';
import type { OriginalRecord } from './original.js';

export const DATASET_MODELS = [
  'tinyllama-q8_0',
  'phi-mini-f16',
  'qwen-0.5b-q4',
  'llama-3b-q4',
  'mistral-7b-q4',
];
const OPERATIONS = ['inference', 'inference', 'inference', 'generate', 'embed'];

export interface SyntheticRun {
  header: RunHeader;
  /** As the original monitor wrote them (a bare JSON array per run). */
  original: OriginalRecord[];
  /** As llmmon stores them. */
  records: OperationRecord[];
}

/** Id of run `index` of the dataset. */
export const runId = (index: number) => `run-${String(index).padStart(4, '0')}`;

const EMPTY = Object.fromEntries(OPERATION_COLUMNS.map((c) => [c, null])) as unknown as OperationRecord;

/**
 * Run `index` of the dataset: `operations` operations, models dealt round-robin, durations
 * log-normal around a per-model speed that drifts a little from run to run.
 */
export function syntheticRun(index: number, operations: number, seed = 1): SyntheticRun {
  const random = mulberry32(seed * 100_003 + index);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const start = Date.UTC(2024, 4, 1) + index * 86_400_000;
  const drift = 1 + 0.05 * gauss();
  const original: OriginalRecord[] = new Array(operations);
  const records: OperationRecord[] = new Array(operations);
  const id = runId(index);
  let clock = start;
  for (let i = 0; i < operations; i++) {
    const m = i % DATASET_MODELS.length;
    const duration = 0.05 * (1 + m) * drift * Math.exp(0.3 * gauss());
    const textLength = 50 + Math.floor(random() * 950);
    const rss = 200 + 150 * m + 20 * random();
    const o: OriginalRecord = {
      timestamp: new Date(clock).toISOString(),
      model_name: DATASET_MODELS[m]!,
      operation: OPERATIONS[m]!,
      text_length: textLength,
      duration_seconds: duration,
      throughput_chars_per_sec: textLength / duration,
      cpu_delta_percent: 80 + 40 * random(),
      memory_delta_mb: 5 * random(),
      peak_memory_mb: rss,
      peak_cpu_percent: 100 + 80 * random(),
      system_cpu_percent: 40 + 40 * random(),
      system_memory_percent: 30 + 10 * random(),
      gpu_available: false,
    };
    clock += duration * 1000 + 5;
    original[i] = o;
    records[i] = { ...EMPTY, ...o, run_id: id, seq: i };
  }
  const header = originalRunHeader(original[0]?.timestamp, original.at(-1)?.timestamp, {
    runId: id,
    runName: `metrics_${id}.json`,
  });
  return { header, original, records };
}
