/** `llmmon ingest FILE…`: store metrics files (llmmon's or the original monitor's). */
import type { Command } from 'commander';
import type { IngestOptions } from '../actions/ingest.js';
import { whereOptions } from '../context.js';

export function registerIngest(program: Command): void {
  whereOptions(
    program
      .command('ingest')
      .description(
        'store metrics files (llmmon.metrics/1, or the original monitor format) in the DuckDB file',
      )
      .argument('<files...>', 'metrics JSON files')
      .option('--run-id <id>', 'run id for original-monitor files, which carry none (one file only)')
      .option('--name <name>', 'run name for original-monitor files (default: the file name)'),
  )
    .addHelpText(
      'after',
      '\nIngest is idempotent: operations already stored (same run id and seq) are skipped.\n' +
        'Files over 64 MB are read by DuckDB directly (only with --db).',
    )
    .action(async (files: string[], opts: IngestOptions) =>
      (await import('../actions/ingest.js')).ingestFiles(files, opts),
    );
}
