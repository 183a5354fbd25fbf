import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreDistUrl } from '../test/support/dist.js';
import { tempDir } from '../test/support/ground-truth.js';
import { loadMetrics } from './files.js';
import { journalRunPath } from './journal.js';
import { LLMMonitor } from './monitor.js';
import { OperationRecordSchema } from './schema/operation.js';

const child = fileURLToPath(new URL('../test/support/journal-child.mjs', import.meta.url));

describe('journal', () => {
  it('keeps every finished operation when the process is killed with SIGKILL', async () => {
    const N = 7;
    const dir = tempDir();
    const proc = spawn(process.execPath, [child, coreDistUrl(), dir, String(N)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on('exit', (_, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (c) => {
        stdout += c;
        if (stdout.includes(`done ${N - 1}\n`)) resolve();
      });
      proc.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const { journal } = JSON.parse(stdout.split('\n')[0]!) as { journal: string };
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(N);
    const records = lines.map((l) => OperationRecordSchema.parse(JSON.parse(l)));
    expect(records.map((r) => r.seq)).toEqual([...Array(N).keys()]);
    expect(records.every((r) => r.operation === 'inference')).toBe(true);
    // logAlerts defaults to on: one stderr line per alert; every operation stays above the
    // threshold, so the alert fires once, at the first.
    expect(
      stderr.match(/^llmmon: alert: duration_seconds = .* > 0\.001 \(child inference, seq 0\)$/gm),
    ).toHaveLength(1);

    const rebuilt = await loadMetrics(journal);
    expect(rebuilt.operations).toEqual(records);
    expect(rebuilt.run.id).toBe(records[0]!.run_id);
    expect(rebuilt.run.sampler.kind).toBe('js');
    expect(rebuilt.alerts.map((a) => [a.seq, a.state])).toEqual([[0, 'fired']]);
  });

  it('rebuilds a run from the journal alone, and names a bad line', async () => {
    const dir = tempDir();
    const m = new LLMMonitor({ outputDir: dir, sampler: 'js', logAlerts: false });
    await m.trackOperation('m', 'a', 1, () => 1);
    await m.trackOperation('m', 'b', 2, () => 2);
    await m.close();
    const journal = m.journalPath!;
    const run = JSON.parse(readFileSync(journalRunPath(journal), 'utf8'));
    expect(run.run.ended_at).not.toBeNull();
    const loaded = await loadMetrics(journal);
    expect(loaded.operations).toEqual(m.operations);
    expect(loaded.run).toEqual(m.run);

    const text = readFileSync(journal, 'utf8');
    const { writeFileSync } = await import('node:fs');
    const bad = `${dir}/bad.journal.jsonl`;
    writeFileSync(bad, `${text}{"timestamp": 3}\n`);
    await expect(loadMetrics(bad)).rejects.toThrow(/bad\.journal\.jsonl:3: timestamp: /);
    const torn = `${dir}/torn.journal.jsonl`;
    writeFileSync(torn, `${text}{"timestamp": "2024`); // a write the process did not finish
    expect((await loadMetrics(torn)).operations).toHaveLength(2);
  });
});
