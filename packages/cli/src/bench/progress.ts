/**
 * Progress on stderr: one bar per model with runs done and the ETA (cli-progress), shown only on
 * a terminal; elsewhere (CI logs, pipes) one line per model instead of redrawn bars.
 */
import cliProgress from 'cli-progress';
import type { PreparedModel } from './models.js';
import type { RunEvents } from './runner.js';

export interface BenchProgress extends RunEvents {
  /** A status line (model generation, checks) printed above the bars. */
  log(line: string): void;
  stop(): void;
}

/**
 * @example
 * const progress = createProgress(process.stderr);
 * await runBench(models, config, monitor, progress);
 * progress.stop();
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): BenchProgress {
  const tty = Boolean(stream.isTTY);
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          stream,
          format: ' {model} |{bar}| {value}/{total} runs | {phase} | ETA {eta_formatted}',
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 8,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const bars = new Map<string, cliProgress.SingleBar>();
  const width = { model: 0 };
  const started = new Map<string, number>();
  const errors = new Map<string, number>();

  return {
    log(line) {
      if (multi) multi.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    onModelStart(model: PreparedModel, total: number) {
      width.model = Math.max(width.model, model.name.length);
      started.set(model.name, performance.now());
      errors.set(model.name, 0);
      if (multi)
        bars.set(
          model.name,
          multi.create(total, 0, { model: model.name.padEnd(width.model), phase: 'loading' }),
        );
      else stream.write(`${model.name}: loading, then ${total} runs\n`);
    },
    onModelLoaded(model) {
      bars.get(model.name)?.update({ phase: 'warm-up' });
    },
    onRun(model, phase, ok) {
      if (!ok) errors.set(model.name, (errors.get(model.name) ?? 0) + 1);
      const e = errors.get(model.name) ?? 0;
      bars
        .get(model.name)
        ?.increment({ phase: `${phase === 'warmup' ? 'warm-up' : 'measure'}${e ? `, ${e} errors` : ''}` });
    },
    onModelEnd(model) {
      const seconds = (performance.now() - (started.get(model.name) ?? performance.now())) / 1000;
      const e = errors.get(model.name) ?? 0;
      const bar = bars.get(model.name);
      if (bar) bar.update({ phase: `done in ${seconds.toFixed(1)} s${e ? `, ${e} errors` : ''}` });
      else stream.write(`${model.name}: done in ${seconds.toFixed(1)} s${e ? `, ${e} errors` : ''}\n`);
    },
    stop() {
      multi?.stop();
    },
  };
}
