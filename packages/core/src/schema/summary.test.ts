import { describe, expect, it } from 'vitest';
import { formatModelTable } from '../summary.js';
import { type OperationRecord, OperationRecordSchema } from './operation.js';
import { modelComparison } from './stats.js';
import { presentColumns, SUMMARY_COLUMNS } from './summary.js';

let seq = 0;
const rec = (extra: Partial<OperationRecord>) =>
  OperationRecordSchema.parse({
    timestamp: new Date(Date.UTC(2026, 0, 1) + seq++ * 1000).toISOString(),
    model_name: 'm',
    operation: 'inference',
    text_length: 100,
    duration_seconds: 0.5,
    gpu_available: false,
    ...extra,
  });

describe('optional summary columns (GPU, energy, attached server)', () => {
  it('are left out where no model has them, shown where one has', () => {
    const plain = modelComparison([rec({ model_name: 'a' }), rec({ model_name: 'b' })]);
    const optional = SUMMARY_COLUMNS.filter((c) => c.optional).map((c) => c.key);
    expect(optional).toEqual([
      'avg_gpu_util_percent',
      'peak_gpu_memory_mb',
      'energy_joules',
      'avg_joules_per_output_token',
      'avg_server_cpu_percent',
      'avg_server_memory_mb',
    ]);
    expect(presentColumns(Object.values(plain)).some((c) => c.optional)).toBe(false);
    expect(formatModelTable(plain)).not.toMatch(/GPU|energy|server/);

    const served = modelComparison([
      rec({ model_name: 'a' }),
      rec({ model_name: 'b', server_cpu_percent: 150, server_peak_memory_mb: 900, energy_joules: 2 }),
      rec({ model_name: 'b', server_cpu_percent: 50, server_peak_memory_mb: 1100, energy_joules: 3 }),
    ]);
    expect(served.b).toMatchObject({
      avg_server_cpu_percent: 100,
      avg_server_memory_mb: 1000,
      energy_joules: 5,
    });
    expect(served.a).toMatchObject({ avg_server_cpu_percent: null, energy_joules: null });
    expect(
      presentColumns(Object.values(served))
        .filter((c) => c.optional)
        .map((c) => c.key),
    ).toEqual(['energy_joules', 'avg_server_cpu_percent', 'avg_server_memory_mb']);
    const [header, , a, b] = formatModelTable(served).split('\n');
    expect(header).toMatch(/energy J\s+server CPU mean %\s+server RSS mean MB$/);
    expect(a).toMatch(/—\s+—\s+—$/);
    expect(b).toMatch(/5\.00\s+100\.0\s+1000\.0$/);
  });
});
