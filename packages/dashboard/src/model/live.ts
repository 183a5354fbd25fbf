/**
 * Merging what the live event stream sends into what was loaded. A run's rows can arrive twice
 * (an event that landed while the run was loading repeats rows the load already had) and out of
 * order (batches from several clients): each row is kept once, in the run's order.
 */
import type { Alert, Sample } from '@llmmon/core/schema';

const alertKey = (a: Alert) =>
  `${a.seq ?? ''}\u0000${a.metric}\u0000${a.model_name}\u0000${a.state ?? ''}\u0000${a.timestamp}`;

/** Alerts of both lists, each once, by operation (`seq`), then time. */
export function mergeAlerts(have: readonly Alert[], incoming: readonly Alert[]): Alert[] {
  const seen = new Set(have.map(alertKey));
  const fresh = incoming.filter((a) => {
    const key = alertKey(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!fresh.length) return have as Alert[];
  return [...have, ...fresh].sort(
    (a, b) =>
      (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
      a.timestamp.localeCompare(b.timestamp),
  );
}

/** Samples of both lists, one per `t` (the later list wins), in time order. */
export function mergeSamples(have: readonly Sample[], incoming: readonly Sample[]): Sample[] {
  if (!incoming.length) return have as Sample[];
  const byT = new Map<number, Sample>();
  for (const s of have) byT.set(s.t, s);
  for (const s of incoming) byT.set(s.t, s);
  return [...byT.values()].sort((a, b) => a.t - b.t);
}
