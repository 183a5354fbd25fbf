/** `llmmon runs`: the stored runs, newest first. */
import { type Command, Option } from 'commander';
import type { RunsOptions } from '../actions/runs.js';
import { positiveInt, whereOptions } from '../context.js';

export function registerRuns(program: Command): void {
  whereOptions(
    program
      .command('runs')
      .description('list the stored runs, newest first')
      .option('--model <name>', 'only runs with operations of this model')
      .addOption(new Option('--limit <n>', 'most runs shown').argParser(positiveInt('--limit')).default(50))
      .addOption(
        new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  ).action(async (opts: RunsOptions) => (await import('../actions/runs.js')).listRuns(opts));
}
