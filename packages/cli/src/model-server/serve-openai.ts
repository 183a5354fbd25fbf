/**
 * `llmmon bench --serve-openai`: serves a local GGUF model from a child process (serve-main.js)
 * and hands back its address, so the bench can also measure the model through the OpenAI client,
 * over a real socket, as it would a remote endpoint.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ServedModelProcess {
  url: string;
  openaiBaseURL: string;
  model: string;
  pid: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  file: string;
  name: string;
  threads?: number;
  sequences?: number;
  contextSize?: number;
  /** How long to wait for the server to listen; default 60 s. */
  timeoutMs?: number;
}

/**
 * Starts the child and waits until it listens.
 * @throws Error with the child's own one-line reason when it cannot start
 */
export async function serveModelInChild(options: ServeOptions): Promise<ServedModelProcess> {
  const main = fileURLToPath(new URL('./serve-main.js', import.meta.url));
  if (!existsSync(main)) throw new Error(`${main} is missing: build the server first (pnpm build)`);
  const args = [main, '--model', options.file, '--name', options.name, '--exit-with-parent'];
  if (options.threads) args.push('--threads', String(options.threads));
  if (options.sequences) args.push('--sequences', String(options.sequences));
  if (options.contextSize) args.push('--context-size', String(options.contextSize));
  // stdin is a pipe nobody writes to: it closes when this process ends, however it ends.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; openaiBaseURL: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`model server did not start within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch {
        reject(new Error(`model server printed ${JSON.stringify(out.slice(0, nl))}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const reason = stderr.trim().split('\n').at(-1) || `exit ${code ?? signal}`;
      reject(new Error(`model server stopped: ${reason}`));
    });
  });
  return {
    ...ready,
    model: options.name,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
