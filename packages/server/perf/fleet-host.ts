/**
 * One simulated host of perf/fleet-push.ts, a process of its own: it makes operations at a fixed
 * rate and, every `pushMs` (core's live push interval: 1 s), pushes what is pending as one batch
 * (and again at once while a full batch is left), for a fixed time. A batch that fails is sent again. It reports to its parent
 * process: operations made, acknowledged, failed attempts, each batch's latency and the delay of
 * its oldest operation (made → acknowledged).
 * It starts when its parent says so (after every host has loaded).
 * argv: url run hostname rate(ops/s) seconds maxBatch pushMs
 */
import { mulberry32 } from '@llmmon/core/random';
import { randomOperation, runHeader } from '@llmmon/testkit';

const [url, runId, hostname, rateText, secondsText, maxBatchText, pushMsText] = process.argv.slice(
  2,
) as string[];
const pushMs = Number(pushMsText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const maxBatch = Number(maxBatchText);
const run = runHeader(runId!, { host: { ...runHeader(runId!).host, hostname: hostname! } });
const rnd = mulberry32(hostname!.length * 7919 + rate);
// Loaded, fetch included: its first call loads and compiles undici (~0.1-0.2 s of CPU), which
// 20 processes would otherwise do together at their first push, as no long-running host does.
await (await fetch(`${url}/api/health`)).arrayBuffer();
// Wait for the parent's go, so that no host's start-up overlaps another's pushing.
process.send!({ ready: true });
await new Promise((go) => process.once('message', go));
const latencies: number[] = [];
const delays: number[] = [];
let sent = 0;
let failures = 0;
const start = performance.now();
const end = start + seconds * 1000;
const madeBy = (t: number) => Math.floor(((Math.min(t, end) - start) / 1000) * rate);
const madeAt = (seq: number) => start + (seq / rate) * 1000;
let nextPush = start + pushMs;

while (performance.now() < end || sent < madeBy(performance.now())) {
  const now = performance.now();
  const made = madeBy(now);
  if (made <= sent || (made - sent < maxBatch && now < nextPush && now < end)) {
    // Nothing made yet, or a partial batch before the next push tick.
    const wake = made <= sent ? madeAt(sent + 1) : Math.min(nextPush, end);
    await new Promise((r) => setTimeout(r, Math.max(1, wake - now)));
    continue;
  }
  nextPush = Math.max(nextPush + pushMs, now);
  // Past the end only to flush what was made; a host that cannot keep up stops after 3x the time.
  if (now > start + 3 * seconds * 1000) break;
  const n = Math.min(made - sent, maxBatch);
  const operations = Array.from({ length: n }, (_, i) => randomOperation(runId!, sent + i, rnd));
  const t0 = performance.now();
  const res = await fetch(`${url}/api/runs/${encodeURIComponent(runId!)}/operations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ run, operations }),
  }).catch(() => null);
  await res?.arrayBuffer();
  const t1 = performance.now();
  latencies.push(t1 - t0);
  if (res && res.status < 300) {
    delays.push(t1 - madeAt(sent));
    sent += n;
  } else {
    failures++;
  }
}
process.send!({ made: madeBy(end), acknowledged: sent, failures, latencies, delays });
