/** `llmmon dashboard FILE`: one offline HTML dashboard beside a metrics file. */
import type { Command } from 'commander';
import { CliError } from '../context.js';

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('write the static dashboard of a metrics file (one HTML file that opens offline)')
    .argument('<file>', 'metrics JSON file (llmmon.metrics/1, or the original monitor format)')
    .option('--out <file>', 'HTML file to write (default: <file>_dashboard.html beside it)')
    .action(async (file: string, opts: { out?: string }) => {
      const { createDashboard } = await import('@llmmon/dashboard');
      try {
        const { url } = await createDashboard(file, opts.out ? { out: opts.out } : {});
        console.log(url);
      } catch (error) {
        throw new CliError((error as Error).message.split('\n')[0]!);
      }
    });
}
