/** `llmmon export --run ID --format csv|parquet|json`: one run's data out of the store. */
import { type Command, Option } from 'commander';
import type { ExportOptions } from '../actions/export.js';
import { CliError, whereOptions } from '../context.js';

export function registerExport(program: Command): void {
  whereOptions(
    program
      .command('export')
      .description(
        "write one run's operations as CSV or Parquet, the whole run as a metrics JSON file, or every run into a Parquet lake",
      )
      .option('--run <id>', 'run id (see llmmon runs)')
      .addOption(new Option('--format <format>', 'output format').choices(['csv', 'parquet', 'json']))
      .option(
        '--lake <dir>',
        'write every run (new or grown since) as Hive-partitioned Parquet: DIR/operations/host=…/date=…/ (docs/lake.md)',
      )
      .option('--out <file>', 'file to write (default: stdout for csv/json, <run>.parquet for parquet)'),
  )
    .addHelpText(
      'after',
      '\nCSV: RFC 4180, one row per operation in seq order, the record fields as columns (threads and\n' +
        'metadata as JSON text). JSON: the run as an llmmon.metrics/1 file (llmmon ingest reads it back).',
    )
    .action(async (opts: ExportOptions & { lake?: string }) => {
      const actions = await import('../actions/export.js');
      if (opts.lake !== undefined) return actions.exportToLake({ ...opts, lake: opts.lake });
      if (!opts.run || !opts.format) throw new CliError('give --run ID and --format, or --lake DIR');
      return actions.exportRun(opts);
    });
}
