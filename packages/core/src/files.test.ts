import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep, tempDir } from '../test/support/ground-truth.js';
import { fileTimestamp, loadMetrics } from './files.js';
import { LLMMonitor } from './monitor.js';
import { fromCsvRow } from './schema/csv.js';
import { METRICS_FORMAT, MetricsFileSchema } from './schema/metrics-file.js';
import { MetricsFormatError } from './schema/normalize.js';
import { OPERATION_COLUMNS, ORIGINAL_OPERATION_COLUMNS } from './schema/operation.js';

const dir = tempDir();
const m = new LLMMonitor({
  outputDir: dir,
  sampler: 'js',
  runName: 'files',
  tags: { suite: 'files' },
  thresholds: { duration_seconds: 0.08 },
  logAlerts: false,
});
afterAll(() => m.close());

describe('saveMetrics / loadMetrics', () => {
  it('round-trips a run: header, operations, samples, alerts', async () => {
    await m.trackOperation('model "one", with, commas', 'inference', 10, async (op) => {
      op.setMetadata({ prompt: 'line 1\nline 2', nested: { k: [1, 2] } }).setTokens({ input: 4, output: 9 });
      await sleep(100);
    });
    await m.trackOperation('m2', 'inference', 3, () => sleep(20));
    await expect(
      m.trackOperation('m2', 'inference', 3, () => Promise.reject(new Error('x'))),
    ).rejects.toThrow();
    const file = await m.saveMetrics();
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^metrics_\d{8}_\d{6}\.json$/);
    const loaded = await loadMetrics(file);
    expect(loaded.format).toBe(METRICS_FORMAT);
    expect(loaded.operations).toEqual(m.operations);
    expect(loaded.alerts).toEqual(m.alerts);
    expect(loaded.alerts).toHaveLength(1);
    expect(loaded.run).toMatchObject({ id: m.runId, name: 'files', tags: { suite: 'files' } });
    expect(loaded.run.sampler.kind).toBe('js');
    expect(loaded.run.host.cpu_count).toBeGreaterThan(0);
    expect(loaded.run.ended_at).not.toBeNull();
    expect(loaded.samples.length).toBeGreaterThan(0);
    expect(loaded.samples.length).toBeLessThanOrEqual(10_000);
    expect(MetricsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))).toEqual(loaded);
  });

  it('writes a given path, creating its folders', async () => {
    const target = path.join(dir, 'deep', 'er', 'run.json');
    expect(await m.saveMetrics(target)).toBe(target);
    expect((await loadMetrics(target)).operations.length).toBe(m.operations.length);
  });

  it('loads original monitor files: a bare array, or under "metrics" / "operations"', async () => {
    const original = Object.fromEntries(ORIGINAL_OPERATION_COLUMNS.map((k) => [k, m.operations[1]![k]]));
    const files = {
      'bare.json': [original, original],
      'metrics.json': { metrics: [original], summary: { total: 1 } },
      'operations.json': { operations: [original] },
    };
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(content));
      const loaded = await loadMetrics(file);
      expect(loaded.run.name).toBe(name);
      expect(loaded.operations[0]).toMatchObject(original);
      expect(loaded.operations[0]!.tokens_per_sec).toBeNull();
    }
  });

  it('rejects corrupt files with one line naming the file and the problem', async () => {
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const cases: [string, RegExp][] = [
      [write('truncated.json', '{"format":"llmmon.metrics/1","run":'), /truncated\.json: not valid JSON: /],
      [write('empty.json', '  \n'), /empty\.json: empty file$/],
      [write('other.json', '{"hello":1}'), /other\.json: not a metrics file: /],
      [write('badrec.json', JSON.stringify([{ model_name: 'm' }])), /badrec\.json: \[0\]\.timestamp: /],
      [
        write('future.json', '{"format":"llmmon.metrics/9"}'),
        /future\.json: format: unsupported metrics format/,
      ],
      [path.join(dir, 'missing.json'), /missing\.json: cannot read: ENOENT/],
    ];
    for (const [file, message] of cases) {
      const error = await loadMetrics(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetricsFormatError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('names files with the local time, as the original monitor did', () => {
    expect(fileTimestamp(new Date(2024, 4, 1, 9, 8, 7))).toBe('20240501_090807');
  });
});

describe('exportCsv', () => {
  it('writes RFC 4180 CSV that parses back to the same records', async () => {
    const file = await m.exportCsv(path.join(dir, 'ops.csv'));
    const text = readFileSync(file, 'utf8');
    expect(text.split('\r\n')[0]).toBe(OPERATION_COLUMNS.join(','));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(m.operations.length);
    expect(rows.map(fromCsvRow)).toEqual(m.operations);
    expect(rows[0]!.error).toBe(''); // null is an empty cell
    expect(JSON.parse(rows[0]!.metadata!)).toEqual({ prompt: 'line 1\nline 2', nested: { k: [1, 2] } });
    expect(rows[2]!.status).toBe('error');
  });

  it('defaults to metrics_<timestamp>.csv in the output directory', async () => {
    const file = await m.exportCsv();
    expect(path.dirname(file)).toBe(dir);
    expect(path.basename(file)).toMatch(/^metrics_\d{8}_\d{6}\.csv$/);
  });
});

describe('default output directory', () => {
  it('is data/output/llm_metrics under the working directory', async () => {
    const cwd = process.cwd();
    const root = tempDir();
    mkdirSync(root, { recursive: true });
    process.chdir(root);
    try {
      const local = new LLMMonitor({ sampler: 'js', journal: false });
      expect(local.outputDir).toBe(path.join(root, 'data', 'output', 'llm_metrics'));
      await local.close();
    } finally {
      process.chdir(cwd);
    }
  });
});
