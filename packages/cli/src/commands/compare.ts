/** `llmmon compare RUN RUN…`: per model, side by side, with Welch's t-test verdicts. */
import { DEFAULT_STATS_EXCLUDED_OPERATIONS } from '@llmmon/core/schema';
import { type Command, Option } from 'commander';
import type { CompareOptions } from '../actions/compare.js';
import { CliError, list, whereOptions } from '../context.js';

export function registerCompare(program: Command): void {
  whereOptions(
    program
      .command('compare')
      .description('compare runs model by model (the first run is the baseline)')
      .argument('<runs...>', 'two or more run ids')
      .addOption(
        new Option('--alpha <p>', 'significance level of the t-tests')
          .argParser((v) => {
            const a = Number(v);
            if (!(a > 0 && a < 1)) throw new CliError(`--alpha: expected a number between 0 and 1, got ${v}`);
            return a;
          })
          .default(0.05),
      )
      .option(
        '--exclude-operations <kinds>',
        `operation kinds left out, comma-separated (default ${DEFAULT_STATS_EXCLUDED_OPERATIONS.join(',')}; "" for none)`,
        list,
      )
      .option('--fail-on-regression', 'exit with status 3 when any model got significantly slower')
      .addOption(
        new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  ).action(async (runs: string[], opts: CompareOptions) =>
    (await import('../actions/compare.js')).compareRuns(runs, opts),
  );
}
