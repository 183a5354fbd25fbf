import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/ground-truth.js';
import { samplerFromEnv } from './env.js';
import { getMonitor, monitorOptionsFromEnv } from './global.js';
import { LLMMonitor } from './monitor.js';

describe('getMonitor', () => {
  it('reads its options from the environment', () => {
    expect(
      monitorOptionsFromEnv({
        LLMMON_OUTPUT_DIR: '/tmp/out',
        LLMMON_SERVER_URL: 'http://127.0.0.1:8787',
        LLMMON_TOKEN: 't',
        LLMMON_SAMPLE_INTERVAL_MS: '5',
        LLMMON_SAMPLER: 'js',
      }),
    ).toEqual({
      outputDir: '/tmp/out',
      serverUrl: 'http://127.0.0.1:8787',
      serverToken: 't',
      sampleIntervalMs: 5,
      sampler: 'js',
    });
    expect(monitorOptionsFromEnv({})).toEqual({});
  });

  it('names the variable whose value is wrong', () => {
    expect(() => monitorOptionsFromEnv({ LLMMON_SAMPLE_INTERVAL_MS: 'fast' })).toThrow(
      'LLMMON_SAMPLE_INTERVAL_MS must be a number > 0, got "fast"',
    );
    expect(() => monitorOptionsFromEnv({ LLMMON_SAMPLER: 'gpu' })).toThrow(
      'LLMMON_SAMPLER must be auto, native or js, got "gpu"',
    );
  });

  it('takes the sampler of every monitor without a sampler option from LLMMON_SAMPLER', async () => {
    expect(samplerFromEnv({})).toBeUndefined();
    const saved = process.env.LLMMON_SAMPLER;
    process.env.LLMMON_SAMPLER = 'js';
    try {
      const m = new LLMMonitor({ outputDir: tempDir(), journal: false });
      expect(m.samplerInfo.kind).toBe('js');
      await m.close();
      process.env.LLMMON_SAMPLER = 'fast';
      expect(() => new LLMMonitor({ journal: false })).toThrow('LLMMON_SAMPLER must be auto, native or js');
    } finally {
      if (saved === undefined) delete process.env.LLMMON_SAMPLER;
      else process.env.LLMMON_SAMPLER = saved;
    }
  });

  it('returns one process-wide instance until it is closed', async () => {
    const first = getMonitor({ outputDir: tempDir(), sampler: 'js', journal: false });
    expect(getMonitor()).toBe(first);
    await first.close();
    const second = getMonitor({ outputDir: tempDir(), sampler: 'js', journal: false });
    expect(second).not.toBe(first);
    await second.close();
  });
});
