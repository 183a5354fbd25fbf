import { type OperationRecord, OperationRecordSchema } from '@llmmon/core';
import { describe, expect, it } from 'vitest';
import { formatBenchTable, summarizeBench } from './summary.js';

function record(fields: Partial<OperationRecord>): OperationRecord {
  return OperationRecordSchema.parse({
    timestamp: '2024-05-01T12:00:00.000Z',
    model_name: 'm',
    operation: 'generate',
    text_length: 10,
    duration_seconds: 1,
    throughput_chars_per_sec: 10,
    cpu_delta_percent: 100,
    memory_delta_mb: 0,
    peak_memory_mb: 100,
    peak_cpu_percent: 100,
    system_cpu_percent: 50,
    system_memory_percent: 50,
    gpu_available: false,
    status: 'ok',
    ...fields,
  });
}

describe('summarizeBench', () => {
  it('summarizes measured runs per model, leaving warm-ups out and showing load apart', () => {
    const rows = summarizeBench([
      record({ operation: 'load', duration_seconds: 0.5, peak_memory_mb: 300, rss_start_mb: 80 }),
      record({ operation: 'warmup', duration_seconds: 9, tokens_per_sec: 1 }),
      record({
        duration_seconds: 1,
        tokens_per_sec: 10,
        time_to_first_token_seconds: 0.1,
        output_tokens: 4,
        cpu_delta_percent: 80,
      }),
      record({
        duration_seconds: 2,
        tokens_per_sec: 20,
        time_to_first_token_seconds: 0.3,
        output_tokens: 4,
        cpu_delta_percent: 100,
      }),
      record({
        duration_seconds: 3,
        tokens_per_sec: 30,
        time_to_first_token_seconds: 0.2,
        output_tokens: 4,
        cpu_delta_percent: 120,
      }),
      record({ status: 'error', duration_seconds: 0.1 }),
      record({ model_name: 'other', duration_seconds: 4 }),
    ]);
    expect(rows.map((r) => r.model)).toEqual(['m', 'other']);
    const m = rows[0]!;
    expect(m).toMatchObject({
      load_seconds: 0.5,
      rss_growth_mb: 300 - 80, // the load's peak, above the RSS at the start of the load
    });
    // The statistics are core's: warm-up and load left out, failed operations counted apart.
    expect(m.stats).toMatchObject({
      operations: 4,
      errors: 1,
      p50_time_to_first_token_seconds: 0.2,
      avg_tokens_per_sec: 20,
      p50_duration_seconds: 2,
      output_tokens: 12,
      avg_cpu_percent: 100,
    });
    // Student t, 2 degrees of freedom, in closed form: F(t) = 1/2 + t / (2√(2 + t²)) = 0.975 gives
    // t = √(2 · 0.95² / (1 − 0.95²)) = 4.30265272974946; × s/√n with s = 10, n = 3.
    const t975 = Math.sqrt((2 * 0.95 ** 2) / (1 - 0.95 ** 2));
    expect(m.stats.tokens_per_sec_moe95).toBeCloseTo((t975 * 10) / Math.sqrt(3), 12);
    // type-7 p95 of [1, 2, 3] = 1 + 0.95 × 2 = 2.9
    expect(m.stats.p95_duration_seconds).toBeCloseTo(2.9, 12);
    expect(rows[1]).toMatchObject({ load_seconds: null, stats: { operations: 1, avg_tokens_per_sec: null } });
  });

  it('formats an aligned table with a dash where a value is unknown', () => {
    const text = formatBenchTable(summarizeBench([record({ model_name: 'a-model' })]));
    const [head, rule, row] = text.split('\n');
    // The shared columns' labels name their statistic (core's SUMMARY_COLUMNS).
    expect(head).toMatch(
      /^model\s+load s\s+RSS growth MB\s+ops\s+errors\s+TTFT p50 s\s+tok\/s mean\s+tok\/s ±95%/,
    );
    expect(rule!.length).toBe(head!.length);
    expect(row).toMatch(/^a-model\s+—\s+—\s+1\s+0\s+—/);
    // Every row has a cell under every header.
    expect(row!.trim().split(/\s{2,}/)).toHaveLength(head!.trim().split(/\s{2,}/).length);
  });
});
