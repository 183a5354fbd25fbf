/**
 * What a run's data holds and what it lacks, said in words: the notes at the top of a run view,
 * so that an empty chart is never mistaken for a zero. Each note names what is missing and why.
 */
import type { MetricsFile, OperationRecord } from '@llmmon/core/schema';
import type { ModelSummary } from './model-metrics.js';

export interface CoverageNote {
  /** What the note is about, for tests and anchors. */
  topic:
    | 'no-operations'
    | 'no-samples'
    | 'js-sampler'
    | 'original-file'
    | 'only-errors'
    | 'no-stats'
    | 'no-tokens'
    | 'no-threads'
    | 'no-gpu'
    | 'attach-unmeasured';
  level: 'warning' | 'info';
  text: string;
}

/** Extension fields that an original-monitor file never has; all null means such a file. */
const EXTENSION_PROBES = ['status', 'cpu_time_seconds', 'rss_start_mb', 'sample_count', 'sampler'] as const;

export function isOriginalMonitorFile(file: Pick<MetricsFile, 'run' | 'operations'>): boolean {
  return (
    file.operations.length > 0 &&
    file.run.host.hostname === null &&
    file.operations.every((r) => EXTENSION_PROBES.every((k) => r[k] === null))
  );
}

const any = (records: readonly OperationRecord[], pick: (r: OperationRecord) => unknown) =>
  records.some((r) => {
    const v = pick(r);
    return v !== null && v !== undefined;
  });

/** Which sampler measured the run: the run's word, else the operations' when they all say "js". */
export function samplerKind(file: Pick<MetricsFile, 'run' | 'operations'>): 'native' | 'js' | null {
  return file.run.sampler.kind ?? (file.operations.every((r) => r.sampler === 'js') ? 'js' : null);
}

/** Notes for a run, warnings first. */
export function coverageNotes(
  file: Pick<MetricsFile, 'run' | 'operations' | 'samples'>,
  summaries: readonly ModelSummary[],
): CoverageNote[] {
  const notes: CoverageNote[] = [];
  const ops = file.operations;
  if (ops.length === 0) {
    notes.push({
      topic: 'no-operations',
      level: 'warning',
      text: 'This run has no operations yet: nothing was tracked, so there are no statistics or charts.',
    });
    return notes;
  }
  for (const s of summaries) {
    if (s.stats && s.stats.errors === s.stats.operations) {
      notes.push({
        topic: 'only-errors',
        level: 'warning',
        text: `${s.model}: all ${s.stats.operations} operations failed, so it has no duration, memory or CPU statistics (see the errors in the table).`,
      });
    } else if (!s.stats) {
      notes.push({
        topic: 'no-stats',
        level: 'info',
        text: `${s.model}: ${s.note ?? 'no statistics'}; it appears in the timeline and the table only.`,
      });
    }
  }
  const original = isOriginalMonitorFile({ run: file.run, operations: ops });
  if (original) {
    notes.push({
      topic: 'original-file',
      level: 'info',
      text: 'A file from the original monitor: it records no machine, status, token, per-thread or timeline data, so only its thirteen original fields are shown.',
    });
  }
  const kind = samplerKind(file);
  if (kind === 'js') {
    notes.push({
      topic: 'js-sampler',
      level: 'warning',
      text: `Measured by the JavaScript fallback sampler${file.run.sampler.reason ? ` (${file.run.sampler.reason})` : ''}: it samples from the event loop, so it sees nothing while synchronous work blocks it; per-thread CPU and 10 ms CPU peaks are not available.`,
    });
  }
  if (file.samples.length === 0 && !original) {
    notes.push({
      topic: 'no-samples',
      level: 'info',
      text: 'No timeline samples in this run: the resource timeline shows the operations only.',
    });
  }
  if (!original && !any(ops, (r) => r.tokens_per_sec ?? r.time_to_first_token_seconds ?? r.output_tokens)) {
    notes.push({
      topic: 'no-tokens',
      level: 'info',
      text: 'No token figures: tokens/s and time to first token need a streamed operation (trackStream) or op.setTokens().',
    });
  }
  if (!original && kind !== 'js' && !any(ops, (r) => r.threads)) {
    notes.push({
      topic: 'no-threads',
      level: 'info',
      text: 'No per-thread CPU: it needs the native sampler.',
    });
  }
  const backend = file.run.sampler.gpu_backend;
  if (!original && ops.some((r) => r.gpu_available) && !any(ops, (r) => r.gpu_util_avg_percent)) {
    notes.push({
      topic: 'no-gpu',
      level: 'info',
      text: `A GPU was found but no utilisation was recorded${backend ? ` (backend ${backend})` : ''}.`,
    });
  }
  // Processes asked to be measured (a model server) that were not: name each with its reason.
  const unmeasured = (file.run.attached ?? []).filter((a) => a.reason !== null);
  if (unmeasured.length) {
    notes.push({
      topic: 'attach-unmeasured',
      level: 'warning',
      text: `Not measured: ${unmeasured.map((a) => `${a.name ?? a.query ?? a.pid} (${a.reason})`).join('; ')}. Their processes' figures are null.`,
    });
  }
  return notes.sort((a, b) => (a.level === b.level ? 0 : a.level === 'warning' ? -1 : 1));
}
