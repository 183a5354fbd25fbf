/** The examples stay true: every config in examples/ validates, and the script runs. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadBenchConfig } from '@llmmon/cli/bench';
import { loadMetrics } from '@llmmon/core';
import { describe, expect, it } from 'vitest';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');

describe('examples/', async () => {
  const configs = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.json'));

  it.each(configs)('%s is a valid bench config', async (name) => {
    const config = await loadBenchConfig({ file: path.join(EXAMPLES, name) });
    expect(config.models.length).toBeGreaterThan(0);
  });

  it('track-llama-cpp.mjs measures two generations and writes a metrics file', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'llmmon-example-'));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(EXAMPLES, 'track-llama-cpp.mjs')],
        {
          env: { ...process.env, LLMMON_OUTPUT_DIR: out, LLMMON_MODEL_CACHE: path.join(out, 'cache') },
        },
      );
      const file = /^metrics: (.+)$/m.exec(stdout)![1]!;
      const metrics = await loadMetrics(file);
      expect(metrics.operations.map((o) => o.operation)).toEqual(['load', 'generate', 'generate']);
      expect(metrics.operations[1]!.output_tokens).toBe(32);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
