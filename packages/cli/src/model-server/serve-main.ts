#!/usr/bin/env node
/**
 * Serves one GGUF model over the OpenAI (`/v1/chat/completions`) and Ollama (`/api/generate`)
 * protocols on loopback, until SIGINT/SIGTERM. Started by `llmmon bench --serve-openai` in its
 * own process (so the bench measures only the client side, as with a remote endpoint); also
 * usable by hand:
 *
 *   node packages/cli/dist/model-server/serve-main.js --model path/to/model.gguf --port 8080
 *
 * Prints one JSON line when listening: {"url": …, "openaiBaseURL": …, "models": [name]}.
 */
import { parseArgs } from 'node:util';
import { llamaCpp } from '@llmmon/core/adapters/llama-cpp';
import { startLocalServer } from './local-server.js';

const int = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return n;
};

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      name: { type: 'string' },
      threads: { type: 'string' },
      sequences: { type: 'string' },
      'context-size': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      // Given by `llmmon bench`: stop when the parent's end of stdin closes, i.e. when the parent
      // is gone, even if it was killed without a chance to stop this server.
      'exit-with-parent': { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new Error('--model FILE.gguf is required');
  const threads = int('threads', values.threads);
  const sequences = int('sequences', values.sequences);
  const contextSize = int('context-size', values['context-size']);
  const model = llamaCpp({
    modelPath: values.model,
    monitor: null, // the client measures; the server only serves
    ...(values.name && { name: values.name }),
    ...(threads && { threads }),
    ...(sequences && { sequences }),
    ...(contextSize && { contextSize }),
  });
  await model.load();
  const server = await startLocalServer({
    models: [model],
    host: values.host,
    port: int('port', values.port) ?? 0,
  });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, openaiBaseURL: server.openaiBaseURL, models: [model.name] })}\n`,
  );
  const stop = async () => {
    await server.close();
    await model.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values['exit-with-parent']) {
    process.stdin.once('end', stop).once('close', stop).resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`llmmon serve-model: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
