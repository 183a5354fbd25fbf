#!/usr/bin/env node
/** The `llmmon` executable (bin). */
import { main } from './program.js';

// `llmmon … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv);
