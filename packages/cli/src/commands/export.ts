/** `llmmon export --run ID --format csv|parquet|json`: one run's data out of the store. */
import { type Command, Option } from 'commander';
import type { ExportOptions } from '../actions/export.js';
import { whereOptions } from '../context.js';

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
    .action(async (opts: ExportOptions) => (await import('../actions/export.js')).exportRun(opts));
}
