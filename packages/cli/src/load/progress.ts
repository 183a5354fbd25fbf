/**
 * Progress of `llmmon load` on stderr: one bar per level with its requests done (warm-ups
 * included), errors and the ETA (cli-progress), drawn only when stderr is a terminal. Elsewhere
 * (pipes, CI logs, files) nothing but the status lines is written: no bar, no escape codes.
 */
import cliProgress from 'cli-progress';
import type { LevelLimits } from './levels.js';
import type { RequestResult } from './metrics.js';

export interface LoadProgress {
  /** A status line, printed above the bars on a terminal. */
  log(line: string): void;
  /** A level starts. */
  level(label: string, limits: LevelLimits): void;
  /** A request of the current level ended. */
  done(result: RequestResult): void;
  stop(): void;
}

/**
 * Bars on a terminal, plain lines elsewhere.
 * @example
 * const progress = loadProgress(process.stderr);
 * progress.level('c=4', limits); // then progress.done(result) per request
 * progress.stop();
 */
export function loadProgress(stream: NodeJS.WritableStream): LoadProgress {
  const log = (line: string) => stream.write(`${line}\n`);
  if (!(stream as NodeJS.WriteStream).isTTY) return { log, level() {}, done() {}, stop() {} };
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: ' {level} |{bar}| {value}/{total} {unit} | {errors} errors | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 16,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  let errors = 0;
  let started = 0;
  let byTime = false;
  return {
    // Above the bars while they are drawn, else plainly. cli-progress writes logged lines at its
    // next redraw and drops what is still buffered when it stops: redraw now, so none is lost.
    log(line) {
      if (!bar) return log(line);
      multi.log(`${line}\n`);
      multi.update();
    },
    level(label, limits) {
      bar?.stop();
      errors = 0;
      started = performance.now();
      // A request count is the level's end when there is one; else its duration is.
      byTime = limits.requests === null;
      const total = byTime ? Math.ceil(limits.durationSeconds ?? 0) : limits.requests! + limits.warmup;
      bar = multi.create(total, 0, { level: label, unit: byTime ? 's' : 'requests', errors });
    },
    done(result) {
      if (result.error) errors++;
      if (!bar) return;
      if (byTime)
        bar.update(Math.min(bar.getTotal(), Math.floor((performance.now() - started) / 1000)), { errors });
      else bar.increment({ errors });
    },
    stop() {
      bar?.stop();
      bar = null;
      multi.stop();
    },
  };
}
