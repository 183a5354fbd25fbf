/**
 * The token figures derived from a duration, the first-chunk time and the output tokens, by the
 * formulas the field specs state (`tokens_per_sec`, `inter_token_latency_seconds`): decode time =
 * end − first chunk; both are only defined once a first chunk is seen. One place for the monitor's
 * records and for operations the server builds from OpenTelemetry spans.
 */

/** A finite number, or null (NaN and ±Infinity never reach a record). */
export const finiteOrNull = (x: number | null | undefined): number | null =>
  x !== null && x !== undefined && Number.isFinite(x) ? x : null;

export function tokenRates(
  durationSeconds: number,
  firstTokenSeconds: number | null,
  outputTokens: number | null,
): { tokens_per_sec: number | null; inter_token_latency_seconds: number | null } {
  const ttft = finiteOrNull(firstTokenSeconds);
  const decode = ttft === null ? null : durationSeconds - ttft;
  const out = outputTokens;
  return {
    tokens_per_sec: finiteOrNull(decode !== null && decode > 0 && out !== null ? out / decode : null),
    inter_token_latency_seconds: finiteOrNull(
      decode !== null && out !== null && out >= 2 ? decode / (out - 1) : null,
    ),
  };
}
