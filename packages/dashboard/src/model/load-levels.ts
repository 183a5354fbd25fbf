/**
 * The levels of an `llmmon load` run for the load view: core's reading of each level record's
 * stored figures, plus the distributions of its requests (operation `request`, metadata with the
 * level, its TTFT and every inter-chunk gap). The charts plot the stored figures as they are;
 * only the distributions are drawn from the requests.
 */
import {
  type LoadLevelFigures,
  loadLevelsOf,
  metadataOf,
  type OperationRecord,
  quantileSorted,
} from '@llmmon/core/schema';

/** A distribution in seconds: p1, p25, p50, p75 and p99 of `n` values. */
export interface Spread {
  n: number;
  p1: number;
  p25: number;
  p50: number;
  p75: number;
  p99: number;
}

export interface LoadLevel extends LoadLevelFigures {
  /** TTFT of each succeeded measured request, and every inter-chunk gap of them. */
  ttft: Spread | null;
  itl: Spread | null;
}

/** The words of a load chart's card: its id, title, subtitle and x axis title (with the unit). */
export interface LoadChartText {
  id: string;
  title: string;
  subtitle: string;
  xTitle: string;
}

/** A level's point on a load chart: x and y in the axes' units. */
export interface CurvePoint {
  level: string;
  x: number;
  y: number;
}

/** A line through the levels' points. */
export interface CurveSeries {
  label: string;
  stroke: string;
  dashed?: boolean;
  points: CurvePoint[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function listOf(map: Map<number, number[]>, key: number): number[] {
  const list = map.get(key) ?? [];
  map.set(key, list);
  return list;
}

/** p1/p25/p50/p75/p99 of the values (linear interpolation between ranks), or null for none. */
export function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const s = values.sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(s, p)!;
  return { n: s.length, p1: q(0.01), p25: q(0.25), p50: q(0.5), p75: q(0.75), p99: q(0.99) };
}

/** The run's load levels in order, with their requests' TTFT and ITL; empty for other runs. */
export function loadLevels(records: readonly OperationRecord[]): LoadLevel[] {
  const levels = loadLevelsOf(records);
  if (levels.length === 0) return [];
  const ttft = new Map<number, number[]>();
  const itl = new Map<number, number[]>();
  for (const r of records) {
    if (r.operation !== 'request' || r.status === 'error') continue;
    const m = metadataOf(r);
    const level = num(m.load_level);
    if (level === null) continue;
    const t = num(m.ttft_seconds);
    if (t !== null) listOf(ttft, level).push(t);
    if (Array.isArray(m.itl_seconds)) {
      const gaps = listOf(itl, level);
      for (const g of m.itl_seconds) if (num(g) !== null) gaps.push(g as number);
    }
  }
  return levels.map((l) => ({
    ...l,
    ttft: spread(ttft.get(l.index) ?? []),
    itl: spread(itl.get(l.index) ?? []),
  }));
}
