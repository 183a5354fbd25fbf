import { execFileSync } from 'node:child_process';
import { OperationRecordSchema } from '@llmmon/core/schema';
import { operation } from '@llmmon/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OperationMetrics } from './operation-metrics.js';
import { series } from './series.js';

/** The exposition of one embedding and one failed streamed chat, counted under `optIn`. */
async function exposition(optIn: string | undefined): Promise<string> {
  const registry = new Registry();
  const metrics = new OperationMetrics(registry, optIn);
  const embed = OperationRecordSchema.parse(
    operation('r', 0, { operation: 'embed', input_tokens: 7, output_tokens: null }),
  );
  const chat = OperationRecordSchema.parse(
    operation('r', 1, {
      operation: 'chat',
      status: 'error',
      duration_seconds: 2,
      input_tokens: 10,
      output_tokens: 5,
      time_to_first_token_seconds: 0.3,
      inter_token_latency_seconds: 0.05,
    }),
  );
  for (const op of [embed, chat]) {
    metrics.observe(op, series({ gen_ai_request_model: op.model_name, gen_ai_operation_name: op.operation }));
  }
  const text = await registry.metrics();
  // promtool is Prometheus' own validator (Debian package prometheus, scripts/bootstrap.sh).
  expect(
    execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: 'pipe' }),
  ).toBe('');
  return text;
}

const value = (text: string, prefix: string) => {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('per-operation Prometheus metrics', () => {
  it('use the GenAI v1.41 names by default, with well-known operation names', async () => {
    const text = await exposition(undefined);
    const chat = 'gen_ai_request_model="tiny-f16",gen_ai_operation_name="chat"';
    expect(
      value(
        text,
        'gen_ai_client_operation_duration_seconds_sum{gen_ai_request_model="tiny-q8",gen_ai_operation_name="embeddings"}',
      ),
    ).toBe(0.25);
    expect(value(text, `gen_ai_client_operation_duration_seconds_sum{${chat},error_type="_OTHER"}`)).toBe(2);
    expect(value(text, `gen_ai_client_token_usage_sum{${chat},gen_ai_token_type="output"}`)).toBe(5);
    expect(value(text, `gen_ai_client_operation_time_to_first_chunk_seconds_sum{${chat}}`)).toBe(0.3);
    expect(value(text, `gen_ai_client_operation_time_per_output_chunk_seconds_sum{${chat}}`)).toBe(0.05);
    expect(value(text, `llmmon_operation_errors_total{${chat}}`)).toBe(1);
    expect(text).not.toContain('gen_ai_client_inference');
  });

  it('use the latest experimental names under OTEL_SEMCONV_STABILITY_OPT_IN', async () => {
    const text = await exposition('gen_ai_latest_experimental');
    const chat = 'gen_ai_request_model="tiny-f16",gen_ai_operation_name="chat"';
    expect(value(text, `gen_ai_client_inference_duration_seconds_sum{${chat},error_type="_OTHER"}`)).toBe(2);
    expect(value(text, `gen_ai_client_inference_operation_output_tokens_sum{${chat}}`)).toBe(5);
    expect(value(text, `gen_ai_client_inference_usage_input_tokens_total{${chat}}`)).toBe(10);
    expect(value(text, `gen_ai_client_inference_time_to_first_chunk_seconds_sum{${chat}}`)).toBe(0.3);
    expect(text).not.toContain('gen_ai_client_operation_duration');
    expect(text).not.toContain('gen_ai_client_token_usage');
  });
});
