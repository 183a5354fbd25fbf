import { normalizeMetrics } from '@llmmon/core/schema';
import { originalRecord, rec, syntheticMetrics } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { packMetrics, unpackMetrics } from './packed.js';

/** Packed, through JSON and a fresh buffer as in the page, unpacked, and read out field by field. */
const roundTrip = (file: Parameters<typeof packMetrics>[0]) => {
  const { header, bytes } = packMetrics(file);
  const back = unpackMetrics(JSON.parse(JSON.stringify(header)), new Uint8Array(bytes).buffer);
  return JSON.parse(JSON.stringify(back));
};

describe('packed metrics', () => {
  it('give back exactly the file they were made from', () => {
    const file = syntheticMetrics({ operations: 500, errorRate: 0.05 });
    expect(roundTrip(file)).toEqual(file);
  });

  it('keep nulls, huge and negative integers, floats, text and JSON apart', () => {
    const file = syntheticMetrics({ operations: 2 });
    file.operations = [
      // The i32 null sentinel itself must fall back to f64. No valid field holds it any more
      // (lengths and counts are >= 0), so it is set after validation: the packer must not care.
      Object.assign(
        rec({
          seq: 0,
          net_bytes_sent: 2 ** 40, // beyond Int32
          duration_seconds: 0.1 + 0.2,
          model_name: 'ünïcödé 模型 </script>',
          metadata: { nested: { a: [1, 'x', null] } },
          threads: [],
          error: null,
        }),
        { text_length: -2147483648 },
      ),
      rec({ seq: 1, text_length: 5, net_bytes_sent: null, threads: null, metadata: null, error: 'boom' }),
      rec({ seq: 2, threads: [{ tid: null, name: '(exited threads)', cpu_seconds: 1e-9 }] }),
    ];
    const back = roundTrip(file);
    expect(back).toEqual(file);
    expect(back.operations[0]!.threads).toEqual([]);
    expect(back.operations[1]!.threads).toBeNull();
  });

  it('keep timestamps that are not in toISOString form as they were written', () => {
    const original = normalizeMetrics([
      originalRecord(),
      originalRecord({ timestamp: '2024-05-01T14:00:00+02:00' }),
    ]);
    const { header } = packMetrics(original);
    expect(header.operations.columns.find((c) => c.name === 'timestamp')!.kind).toBe('dict');
    expect(roundTrip(original)).toEqual(original);
  });

  it('store each column in its cheapest exact form', () => {
    const { header } = packMetrics(syntheticMetrics({ operations: 50 }));
    const kind = (name: string) => header.operations.columns.find((c) => c.name === name)!.kind;
    expect(kind('timestamp')).toBe('ms');
    expect(kind('seq')).toBe('i32');
    expect(kind('duration_seconds')).toBe('f64');
    expect(kind('model_name')).toBe('dict');
    expect(kind('gpu_util_avg_percent')).toBe('none');
    expect(kind('gpu_available')).toBe('bool');
    expect(kind('threads')).toBe('list');
    expect(kind('metadata')).toBe('json');
  });

  it('read like plain records: every field, stable values, the full record as JSON', () => {
    const file = syntheticMetrics({ operations: 20 });
    const { header, bytes } = packMetrics(file);
    const back = unpackMetrics(header, bytes.buffer as ArrayBuffer);
    const row = back.operations[3]!;
    for (const [k, v] of Object.entries(file.operations[3]!)) expect(row[k as keyof typeof row]).toEqual(v);
    expect(row.threads).toBe(row.threads); // one array, not a new one per read
    expect(row.timestamp).toBe(row.timestamp);
    expect(JSON.parse(JSON.stringify(row))).toEqual(file.operations[3]);
  });

  it('handle a run without operations, samples or alerts', () => {
    const empty = { ...syntheticMetrics({ operations: 2 }), operations: [], samples: [], alerts: [] };
    expect(roundTrip(empty)).toEqual(empty);
  });

  it('refuse a blob shorter than its header says', () => {
    const { header } = packMetrics(syntheticMetrics({ operations: 5 }));
    expect(() => unpackMetrics(header, new ArrayBuffer(8))).toThrow(/blob has 8 bytes, the header says \d+/);
  });
});
