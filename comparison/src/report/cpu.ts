/** Report section of scenario 2 (CPU attribution). */
import type { CpuData, CpuToolCase, CpuToolResult } from '../scenarios/cpu.js';
import { ERROR_FLOOR_PP, errorRatioText } from './error-ratio.js';
import { NA, num, spreadCell, table } from './markdown.js';

const errCell = (c: CpuToolCase | undefined) => {
  if (!c) return NA;
  const pp = (x: number) => (x < ERROR_FLOOR_PP ? `< ${ERROR_FLOOR_PP}` : num(x, x < 1 ? 2 : 1));
  const allBelow = c.abs_error_pp.max !== null && c.abs_error_pp.max < ERROR_FLOOR_PP;
  const cell = allBelow ? `< ${ERROR_FLOOR_PP} (all ${c.abs_error_pp.n})` : spreadCell(c.abs_error_pp, pp);
  const rel = c.rel_error_percent.median;
  const relText =
    rel !== null && rel < ERROR_FLOOR_PP ? `< ${ERROR_FLOOR_PP}` : num(rel, rel !== null && rel < 1 ? 2 : 0);
  const none = c.no_reading ? `, ${c.no_reading} without a figure` : '';
  return cell === NA ? `${NA}${none}` : `${cell} (${relText} %${none})`;
};

function caseLabel(d: CpuData, i: number): string {
  const c = d.options.cases[i]!;
  return `${c.threads} thread${c.threads > 1 ? 's' : ''}, ${c.cpuMs} ms`;
}

/** Indices of the 50 ms cases (the target's windows). */
const shortCases = (d: CpuData) => d.options.cases.flatMap((c, i) => (c.cpuMs <= 50 ? [i] : []));

function ratioCell(d: CpuData, tool: CpuToolCase[] | null, ref: CpuToolCase[] | null): string {
  if (!tool || !ref) return NA;
  return shortCases(d)
    .map((i) => errorRatioText(tool[i]?.abs_error_pp.median, ref[i]?.abs_error_pp.median))
    .join(' / ');
}

export function cpuSection(d: CpuData): string {
  const cases = d.options.cases.map((_, i) => caseLabel(d, i));
  const llmmon = d.tools.find((t) => t.id === 'llmmon-1ms');
  const attribution = d.tools.map((t: CpuToolResult) => [
    t.label,
    t.per_thread ? 'yes' : 'no',
    ...cases.map((_, i) => (t.thread ? errCell(t.thread[i]) : NA)),
    ratioCell(d, t.thread, llmmon?.thread ?? null),
  ]);
  const processRows = d.tools.map((t: CpuToolResult) => [
    t.label,
    ...cases.map((_, i) => errCell(t.process[i])),
    ratioCell(d, t.process, llmmon?.process ?? null),
  ]);
  const truthRows = cases.map((label, i) => [
    label,
    String(d.options.cases[i]!.windows),
    spreadCell(d.wall_ms[i], (x) => num(x, 0)),
    d.burned_ms ? spreadCell(d.burned_ms[i], (x) => num(x, 1)) : NA,
    spreadCell(d.truth_percent[i], (x) => num(x, 1)),
    spreadCell(d.process_percent[i], (x) => num(x, 1)),
    spreadCell(d.other_percent[i], (x) => num(x, 1)),
  ]);
  const short = shortCases(d)
    .map((i) => cases[i])
    .join(' / ');
  return [
    'Worker threads burn a known CPU time each (by their own CPU clocks) while every tool watches; ' +
      "the main thread's event loop stays free, so the JS-timer tools get their best case. " +
      `Windows are separated by ${d.options.gapMs[0]}–${d.options.gapMs[1]} ms pauses (longer than the ` +
      "slowest poller's spacing of readings); a figure whose readings reach into another window anyway is " +
      'dropped and counted as "without a figure".',
    '',
    "**Truth.** Attribution: the busy threads' CPU time from the kernel (`/proc/self/task/<tid>/schedstat`, " +
      'read while they wait before and after) ÷ the window ÷ 1 core. Process: the whole process CPU time ' +
      "(getrusage) ÷ the window. A tool's figure: llmmon's window — the busy tids' per-thread CPU seconds ÷ " +
      'the same wall time (they sleep at both ends, so llmmon and the truth read the same kernel counter: ' +
      `errors below ${ERROR_FLOOR_PP} pp are shown as that floor), and its \`avg_cpu_percent\` for the process; ` +
      "a polling tool's readings bracketing the window (the last before, the first after: " +
      'everything it cannot resolve dilutes its figure, as on a dashboard). **Error** = |figure − truth| in ' +
      'percentage points of one core, median [p25–p75] over the windows (median relative error in brackets).',
    '',
    table(
      [
        'case',
        'windows',
        'wall ms',
        'CPU burned per busy thread, ms (measured)',
        'busy threads, % of a core',
        'whole process',
        'other work in the process',
      ],
      truthRows,
    ),
    '',
    '**Attribution to the busy threads** (tools that can name threads):',
    '',
    table(['tool', 'names the thread', ...cases, `error ÷ llmmon 1 kHz's (${short})`], attribution),
    '',
    '**Process CPU %** for the window, against the process truth:',
    '',
    table(['tool', ...cases, `error ÷ llmmon 1 kHz's (${short})`], processRows),
  ].join('\n');
}
