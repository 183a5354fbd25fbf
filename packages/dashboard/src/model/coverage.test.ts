import { normalizeMetrics, ORIGINAL_OPERATION_COLUMNS } from '@llmmon/core/schema';
import { originalRecord, rec, syntheticMetrics } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { coverageNotes, isOriginalMonitorFile } from './coverage.js';
import { modelSummaries } from './model-metrics.js';

const topics = (file: Parameters<typeof coverageNotes>[0]) =>
  coverageNotes(file, modelSummaries(file.operations)).map((n) => n.topic);

describe('coverage notes', () => {
  it('say nothing for a complete run', () => {
    expect(topics(syntheticMetrics({ operations: 30 }))).toEqual([]);
  });

  it('say that a run has no operations', () => {
    expect(topics({ ...syntheticMetrics({ operations: 3 }), operations: [] })).toEqual(['no-operations']);
  });

  it('name the JS fallback sampler and the missing samples and threads', () => {
    const file = syntheticMetrics({ operations: 30, sampler: 'js', samples: 0 });
    const notes = coverageNotes(file, modelSummaries(file.operations));
    expect(notes.map((n) => n.topic)).toEqual(['js-sampler', 'no-samples']);
    expect(notes[0]!.text).toMatch(/JavaScript fallback sampler \(native sampler not built \(synthetic\)\)/);
  });

  it('name an attached process that could not be measured, with its reason', () => {
    const file = syntheticMetrics({ operations: 30 });
    file.run.attached = [
      {
        pid: 7,
        name: 'ollama',
        role: 'server',
        by: 'port',
        query: '11434',
        source: 'adapter:ollama',
        exe: null,
        reason: null,
      },
      {
        pid: null,
        name: null,
        role: 'server',
        by: 'name',
        query: 'vllm',
        source: 'env',
        exe: null,
        reason: 'no process named vllm',
      },
    ];
    const notes = coverageNotes(file, modelSummaries(file.operations));
    expect(notes.map((n) => n.topic)).toEqual(['attach-unmeasured']);
    expect(notes[0]!.text).toBe(
      "Not measured: vllm (no process named vllm). Their processes' figures are null.",
    );
  });

  it('name a model whose operations all failed', () => {
    const file = syntheticMetrics({ operations: 30 });
    file.operations.push(rec({ model_name: 'broken', status: 'error', error: 'x', seq: 99 }));
    expect(topics(file)).toEqual(['only-errors']);
  });

  it('recognise an original-monitor file and do not list every extension it lacks', () => {
    expect(Object.keys(originalRecord())).toEqual(ORIGINAL_OPERATION_COLUMNS); // the fixture is what it claims
    const file = normalizeMetrics([originalRecord()]);
    expect(isOriginalMonitorFile(file)).toBe(true);
    expect(topics(file)).toEqual(['original-file']);
    expect(isOriginalMonitorFile(syntheticMetrics({ operations: 3 }))).toBe(false);
  });
});
