/** `llmmon ingest`, what it does (registered in `commands/ingest.ts`). */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { JOURNAL_SUFFIX, loadMetrics } from '@llmmon/core';
import { type IngestResponse, type MetricsFile, MetricsFormatError } from '@llmmon/core/schema';
import { InputError } from '@llmmon/server';
import { SingleBar } from 'cli-progress';
import { ApiClient, CliError, type WhereOptions } from '../context.js';
import { withStore } from '../local-store.js';

export interface IngestOptions extends WhereOptions {
  runId?: string;
  name?: string;
}

/**
 * A monitor's journal (`*.journal.jsonl`, the crash-recovery file: one operation per line, the
 * run beside it) read as the metrics file it stands for; null for any other file.
 */
async function journal(file: string): Promise<MetricsFile | null> {
  if (!file.endsWith(JOURNAL_SUFFIX)) return null;
  try {
    return await loadMetrics(file);
  } catch (error) {
    if (error instanceof MetricsFormatError) throw new CliError(error.message);
    throw error;
  }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function summary(file: string, r: IngestResponse): string {
  const dup = r.operations.duplicates ? ` (${r.operations.duplicates} already stored)` : '';
  return `${file}: run ${r.run_id}${r.created ? ' (new)' : ''}: ${count(r.operations.inserted, 'operation')} stored${dup}, ${count(r.samples.inserted, 'sample')}, ${count(r.alerts.inserted, 'alert')}`;
}

/** Stores each metrics file, locally or through `--server`, and prints one summary line per file. */
export async function ingestFiles(files: string[], opts: IngestOptions): Promise<void> {
  if (opts.runId && files.length > 1)
    throw new CliError('--run-id: give one file only (each run needs its own id)');
  for (const f of files) {
    if (!existsSync(f) || !statSync(f).isFile()) throw new CliError(`${f}: no such file`);
  }
  const bar =
    files.length > 1 && process.stderr.isTTY
      ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} files', stream: process.stderr })
      : null;
  bar?.start(files.length, 0);
  const lines: string[] = [];
  const report = (line: string) => (bar ? lines.push(line) : console.log(line));
  try {
    if (opts.server) {
      const client = new ApiClient(opts.server);
      for (const file of files) {
        const params = new URLSearchParams({ name: opts.name ?? basename(file) });
        if (opts.runId) params.set('run_id', opts.runId);
        const recovered = await journal(file);
        const body = recovered
          ? JSON.stringify(recovered)
          : (Readable.toWeb(createReadStream(file)) as ReadableStream);
        const res = await client.json<IngestResponse>(`/api/runs?${params}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          duplex: 'half',
        } as RequestInit);
        report(summary(file, res));
        bar?.increment();
      }
    } else {
      await withStore(
        opts.db!,
        async (store) => {
          for (const file of files) {
            try {
              const recovered = await journal(file);
              const options = { runId: opts.runId, runName: opts.name ?? basename(file) };
              const { added: _added, ...res } = recovered
                ? await store.ingest(recovered)
                : await store.ingestFile(file, options);
              report(summary(file, res));
            } catch (error) {
              if (error instanceof InputError) throw new CliError(`${file}: ${error.message}`);
              throw error;
            }
            bar?.increment();
          }
        },
        { create: true },
      );
    }
  } finally {
    bar?.stop();
    for (const line of lines) console.log(line);
  }
}
