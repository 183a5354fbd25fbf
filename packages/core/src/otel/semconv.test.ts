import { describe, expect, it } from 'vitest';
import {
  GEN_AI_LATEST,
  genAiLatest,
  genAiOperationName,
  operationMetricNames,
  prometheusLabel,
  prometheusName,
  RESOURCE_METRICS,
} from './semconv.js';

describe('semantic-convention names', () => {
  it('opts in to the latest GenAI names only when the variable lists gen_ai_latest_experimental', () => {
    expect(genAiLatest(undefined)).toBe(false);
    expect(genAiLatest('http')).toBe(false);
    expect(genAiLatest('gen_ai_latest')).toBe(false);
    expect(genAiLatest(` http , ${GEN_AI_LATEST}`)).toBe(true);
    expect(operationMetricNames(null).duration.name).toBe('gen_ai.client.operation.duration');
    expect(operationMetricNames(GEN_AI_LATEST).duration.name).toBe('gen_ai.client.inference.duration');
  });

  it('maps operation kinds to the well-known gen_ai.operation.name values, others unchanged', () => {
    expect(genAiOperationName('embed')).toBe('embeddings');
    expect(genAiOperationName('generate')).toBe('text_completion');
    expect(genAiOperationName('chat')).toBe('chat');
    expect(genAiOperationName('rerank')).toBe('rerank');
  });

  it('derives Prometheus names as the OpenTelemetry Prometheus exporters write them', () => {
    const v141 = operationMetricNames(null);
    expect(prometheusName(v141.duration)).toBe('gen_ai_client_operation_duration_seconds');
    expect(prometheusName(v141.tokenUsage!)).toBe('gen_ai_client_token_usage');
    expect(prometheusName(v141.cpuTime)).toBe('llmmon_operation_cpu_seconds_total');
    expect(prometheusName(v141.peakMemory)).toBe('llmmon_operation_peak_memory_bytes');
    expect(prometheusName(RESOURCE_METRICS.processCpuUtilization)).toBe('process_cpu_utilization_ratio');
    expect(prometheusName(operationMetricNames(GEN_AI_LATEST).inputTokensUsage!)).toBe(
      'gen_ai_client_inference_usage_input_tokens_total',
    );
    expect(prometheusLabel('gen_ai.request.model')).toBe('gen_ai_request_model');
  });
});
