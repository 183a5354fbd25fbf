/**
 * The `llmmon` command line: `buildProgram()` assembles the commands, one file each in
 * `commands/` (each exports a `register…(program)`); `main()` runs it with one-line errors.
 * Registering stays light: a command's action imports what it does (`actions/`, DuckDB, hono,
 * llama.cpp) when it runs, so no command pays for another's libraries.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerCompare } from './commands/compare.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerExport } from './commands/export.js';
import { registerIngest } from './commands/ingest.js';
import { registerLoad } from './commands/load.js';
import { registerQuery } from './commands/query.js';
import { registerRuns } from './commands/runs.js';
import { registerServe } from './commands/serve.js';
import { CliError } from './context.js';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The `llmmon` program with every command registered.
 * @example await buildProgram().parseAsync(['node', 'llmmon', 'runs', '--db', 'data/llmmon.duckdb']);
 */
export function buildProgram(): Command {
  const program = new Command('llmmon')
    .description('measure what every LLM operation costs, store runs in DuckDB, compare and serve them')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerBench(program);
  registerLoad(program);
  registerServe(program);
  registerIngest(program);
  registerExport(program);
  registerCompare(program);
  registerQuery(program);
  registerRuns(program);
  registerDashboard(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** One line for an error a user can act on; anything else keeps its message too (no stack). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

/** Runs the command line; resolves with the exit status (errors: one line on stderr). */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
    if (error instanceof CommanderError) {
      // Commander printed its message (or the help/version) already.
      return error.exitCode;
    }
    const known = error instanceof CliError || (error as Error)?.name === 'InputError';
    process.stderr.write(`llmmon: ${errorLine(error)}\n`);
    if (!known && process.env.LLMMON_DEBUG) console.error(error);
    return 1;
  }
}
