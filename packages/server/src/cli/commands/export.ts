/** `llmmon export --run ID --format csv|parquet|json`: one run's data out of the store. */
import { createReadStream, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import { ApiClient, CliError, type WhereOptions, whereOptions, withStore } from '../context.js';

interface ExportOptions extends WhereOptions {
  run: string;
  format: 'csv' | 'parquet' | 'json';
  out?: string;
}

export function registerExport(program: Command): void {
  whereOptions(
    program
      .command('export')
      .description("write one run's operations as CSV or Parquet, or the whole run as a metrics JSON file")
      .requiredOption('--run <id>', 'run id (see llmmon runs)')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['csv', 'parquet', 'json'])
          .makeOptionMandatory(),
      )
      .option('--out <file>', 'file to write (default: stdout for csv/json, <run>.parquet for parquet)'),
  )
    .addHelpText(
      'after',
      '\nCSV: RFC 4180, one row per operation in seq order, the record fields as columns (threads and\n' +
        'metadata as JSON text). JSON: the run as an llmmon.metrics/1 file (llmmon ingest reads it back).',
    )
    .action(async (opts: ExportOptions) => {
      const target =
        opts.out ?? (opts.format === 'parquet' ? `${opts.run.replace(/[^\w.-]/g, '_')}.parquet` : null);
      const sink = (): Writable =>
        target ? createWriteStream(target) : (process.stdout as unknown as Writable);
      const finish = () => {
        if (target) process.stderr.write(`llmmon: wrote ${resolve(target)}\n`);
      };
      if (opts.server) {
        const res = await new ApiClient(opts.server).request(
          `/api/runs/${encodeURIComponent(opts.run)}/export.${opts.format}`,
        );
        await pipeline(Readable.fromWeb(res.body as never), sink(), { end: Boolean(target) });
        return finish();
      }
      await withStore(opts.db!, async (store) => {
        if (opts.format === 'json') {
          const pieces = await store.exportJson(opts.run);
          await pipeline(Readable.from(pieces), sink(), { end: Boolean(target) });
        } else {
          const path = await store.exportOperationsFile(opts.run, opts.format);
          try {
            await pipeline(createReadStream(path), sink(), { end: Boolean(target) });
          } finally {
            await store.removeScratch(path);
          }
        }
      }).catch((error: unknown) => {
        if ((error as Error).name === 'NotFoundError') throw new CliError((error as Error).message);
        throw error;
      });
      finish();
    });
}
