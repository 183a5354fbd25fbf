import { fourCoreRun, rec, series } from '@llmmon/testkit';
import { describe, expect, it } from 'vitest';
import { findings, FINDING_THRESHOLDS as T } from './findings.js';

/** Two similar models, 40 operations each, jitter ±5 %: nothing is out of line. */
const jitter = (i: number) => 1 + 0.05 * Math.sin(i * 1.7);
const healthy = () => [...series('a', 40, jitter), ...series('b', 40, (i) => 1.2 * jitter(i))];
const rules = (fs: ReturnType<typeof findings>) => fs.map((f) => `${f.rule}:${f.model}`);

describe('findings', () => {
  it('finds nothing in a run where nothing is out of line', () => {
    expect(findings(fourCoreRun(), healthy())).toEqual([]);
  });

  it('reports failed operations with their count, share and first error', () => {
    const records = [...healthy(), rec({ model_name: 'a', status: 'error', error: 'boom' })];
    const [f] = findings(fourCoreRun(), records);
    expect(f).toMatchObject({ rule: 'errors', model: 'a', severity: 'warning' });
    expect(f!.figure).toBe('1 of 41 operations (2.44 %); first error: boom');
  });

  it('memory-high fires at 75 % of the machine memory, not below', () => {
    const at = (mb: number) => [...series('a', 20, jitter, () => ({ peak_memory_mb: mb }))];
    expect(findings(fourCoreRun(), at(8192 * T.memoryShareOfHost - 1))).toEqual([]);
    const [f] = findings(fourCoreRun(), at(7000));
    expect(f).toMatchObject({ rule: 'memory-high', model: 'a' });
    expect(f!.figure).toBe('peak RSS 7,000 MB of 8,192 MB (threshold 75 %)');
    expect(f!.advice).toMatch(/quantization/);
  });

  it('memory-high falls back to system memory when the machine size is unknown', () => {
    const run = fourCoreRun({ host: { ...fourCoreRun().host, total_memory_mb: null } });
    const records = series('a', 20, jitter, (i) => ({ system_memory_percent: i === 7 ? 95 : 40 }));
    expect(rules(findings(run, records))).toEqual(['memory-high:a']);
    expect(findings(run, records)[0]!.figure).toMatch(/^system memory 95 % in use after operation \d+/);
  });

  it('cpu-high fires when the mean process CPU reaches 90 % of all cores', () => {
    const at = (cpu: number) => series('a', 20, jitter, () => ({ cpu_delta_percent: cpu }));
    expect(findings(fourCoreRun(), at(359))).toEqual([]); // 4 cores: threshold 360 %
    const [f] = findings(fourCoreRun(), at(380));
    expect(f).toMatchObject({ rule: 'cpu-high', model: 'a' });
    expect(f!.figure).toBe('mean process CPU 380 % = 95 % of 4 cores (threshold 90 %)');
  });

  it('cpu-high falls back to whole-machine CPU when the core count is unknown', () => {
    const run = fourCoreRun({ host: { ...fourCoreRun().host, cpu_count: null } });
    const at = (sys: number) =>
      series('a', 20, jitter, () => ({ cpu_delta_percent: 400, system_cpu_percent: sys }));
    expect(findings(run, at(89))).toEqual([]);
    const [f] = findings(run, at(95));
    expect(f).toMatchObject({ rule: 'cpu-high', model: 'a' });
    expect(f!.figure).toBe('mean system CPU 95 % during its operations (threshold 90 %)');
  });

  it('slow-model names the model 3× slower than the fastest at the median, beyond what its size explains', () => {
    const params = (n: number) => () => ({ metadata: { model_parameters: n } });
    const records = [
      ...series('fast', 20, jitter, params(1e9)),
      ...series('slow', 20, (i) => 3.5 * jitter(i), params(1e9)),
    ];
    const fs = findings(fourCoreRun(), records);
    expect(rules(fs)).toContain('slow-model:slow');
    expect(fs.find((f) => f.rule === 'slow-model')!.title).toMatch(/^slow is 3\.\d+× slower than fast$/);
    const close = [
      ...series('fast', 20, jitter, params(1e9)),
      ...series('slow', 20, (i) => 2.9 * jitter(i), params(1e9)),
    ];
    expect(rules(findings(fourCoreRun(), close))).not.toContain('slow-model:slow');
    // Too few operations to compare models: no verdict.
    const few = [
      ...series('fast', 4, jitter, params(1e9)),
      ...series('slow', 4, (i) => 3.5 * jitter(i), params(1e9)),
    ];
    expect(rules(findings(fourCoreRun(), few))).not.toContain('slow-model:slow');
  });

  it('slow-model compares like with like: a larger model may be slower by its size, and unknown sizes are not compared', () => {
    // A bench of sizes on purpose: 13× slower with 8× the parameters is 1.6× beyond the size.
    const sizes = [
      ...series('tiny', 20, jitter, () => ({ metadata: { model_parameters: 1e8 } })),
      ...series(
        'medium',
        20,
        (i) => 13.3 * jitter(i),
        () => ({ metadata: { model_parameters: 8e8 } }),
      ),
    ];
    expect(rules(findings(fourCoreRun(), sizes))).not.toContain('slow-model:medium');
    // 13× slower with only 2× the file size: flagged, and the figure says so.
    const quant = [
      ...series('q4', 20, jitter, () => ({ metadata: { file_bytes: 1e9 } })),
      ...series(
        'f16',
        20,
        (i) => 13.3 * jitter(i),
        () => ({ metadata: { file_bytes: 2e9 } }),
      ),
    ];
    const f = findings(fourCoreRun(), quant).find((x) => x.rule === 'slow-model');
    expect(f?.figure).toMatch(/with 2× the file size \(threshold 3× beyond the size ratio\)$/);
    // Sizes unknown (two endpoints): the run may compare different models on purpose.
    const unknown = [...series('x', 20, jitter), ...series('y', 20, (i) => 13.3 * jitter(i))];
    expect(rules(findings(fourCoreRun(), unknown))).not.toContain('slow-model:y');
  });

  it('long-tail fires when p95 is 3× the median', () => {
    // 20 operations: 18 of 1 s and 2 of 5 s → p95 (type 7) = 5 s.
    const records = series('a', 20, (i) => (i % 10 === 9 ? 5 : 1));
    const fs = findings(fourCoreRun(), records);
    expect(rules(fs)).toEqual(['long-tail:a']);
    expect(fs[0]!.figure).toBe('p95 duration 5 s is 5× the median 1 s (threshold 3×)');
  });

  it('low-throughput needs half the best model’s throughput (per size) and memory headroom', () => {
    const meta = () => ({ metadata: { model_parameters: 1e9 } });
    const slowTp = () => ({ throughput_chars_per_sec: 40, ...meta() });
    const records = [...series('a', 20, jitter, meta), ...series('b', 20, (i) => 1.1 * jitter(i), slowTp)];
    // Throughput is total chars over total duration: make b process fewer chars per second.
    for (const r of records) if (r.model_name === 'b') r.text_length = 40;
    const fs = findings(fourCoreRun(), records);
    expect(rules(fs)).toEqual(['low-throughput:b']);
    expect(fs[0]!.advice).toMatch(/Memory allows larger batches/);
    // Four times the parameters explains a throughput under half.
    for (const r of records) if (r.model_name === 'b') r.metadata = { model_parameters: 4e9 };
    expect(findings(fourCoreRun(), records)).toEqual([]);
    for (const r of records) if (r.model_name === 'b') r.metadata = { model_parameters: 1e9 };
    for (const r of records) if (r.model_name === 'b') r.peak_memory_mb = 5000; // 61 % of memory
    expect(findings(fourCoreRun(), records)).toEqual([]);
  });

  it('low-throughput says nothing of operations without text (0 chars/s is not slow)', () => {
    const meta = () => ({ metadata: { model_parameters: 1e9 } });
    const records = [
      ...series('chat', 20, jitter, meta),
      ...series('embed', 20, jitter, () => ({ text_length: 0, throughput_chars_per_sec: 0, ...meta() })),
    ];
    expect(rules(findings(fourCoreRun(), records))).not.toContain('low-throughput:embed');
  });

  it('cold-start fires when the first counted operation is 3× the median of the rest', () => {
    const records = series('a', 12, (i) => (i === 0 ? 3.2 : 1));
    const fs = findings(fourCoreRun(), records);
    expect(rules(fs)).toEqual(['cold-start:a']);
    expect(fs[0]!.figure).toMatch(
      /^first inference \(seq \d+\) took 3\.20 s, 3\.20× the median 1 s of the other 11/,
    );
    // Labelled warm-up operations are left out of statistics, so they trigger nothing.
    const labelled = series(
      'a',
      12,
      (i) => (i === 0 ? 3.2 : 1),
      (i) => ({ operation: i === 0 ? 'warmup' : 'inference' }),
    );
    expect(findings(fourCoreRun(), labelled)).toEqual([]);
  });

  it('degradation compares the last quarter with the first', () => {
    const records = series('a', 41, (i) => 1 + (i / 40) * 0.8); // 1 s → 1.8 s
    const fs = findings(fourCoreRun(), records);
    expect(rules(fs)).toEqual(['degradation:a']);
    expect(fs[0]!.figure).toMatch(
      /^median duration rose from 1\.\d+ s \(first 10 operations\) to 1\.\d+ s \(last 10\)/,
    );
    expect(
      findings(
        fourCoreRun(),
        series('a', 41, (i) => 1 + (i / 40) * 0.4),
      ),
    ).toEqual([]);
  });

  it('memory-growth needs 64 MB and 10 % of the starting RSS', () => {
    const grow = (mb: number) => series('a', 20, jitter, () => ({ memory_delta_mb: mb, rss_start_mb: 400 }));
    expect(rules(findings(fourCoreRun(), grow(5)))).toEqual(['memory-growth:a']); // 100 MB, 25 %
    expect(findings(fourCoreRun(), grow(3))).toEqual([]); // 60 MB
    const big = (mb: number) => series('a', 20, jitter, () => ({ memory_delta_mb: mb, rss_start_mb: 4000 }));
    expect(findings(fourCoreRun(), big(10))).toEqual([]); // 200 MB but 5 % of 4 GB
  });

  it('puts warnings before notices', () => {
    const records = [
      ...series('a', 12, (i) => (i === 0 ? 5 : 1)),
      rec({ model_name: 'a', status: 'error', error: 'x' }),
    ];
    expect(findings(fourCoreRun(), records).map((f) => f.severity)).toEqual(['warning', 'notice']);
  });
});
