/** `llmmon ingest`, what it does (registered in `commands/ingest.ts`). */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { IngestResponse } from '@llmmon/core/schema';
import { InputError } from '@llmmon/server';
import { SingleBar } from 'cli-progress';
import { ApiClient, CliError, type WhereOptions } from '../context.js';
import { withStore } from '../local-store.js';

export interface IngestOptions extends WhereOptions {
  runId?: string;
  name?: string;
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
        const body = Readable.toWeb(createReadStream(file)) as ReadableStream;
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
              const { added: _added, ...res } = await store.ingestFile(file, {
                runId: opts.runId,
                runName: opts.name ?? basename(file),
              });
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
