/**
 * The clients of the live-ingest measurement (live-ingest.ts), in a worker thread of their own so
 * that making and sending batches does not take the server's event loop: `clients` loops, each
 * posting one batch of `batch` operations at a time to one run until `seconds` have passed, as
 * core's live push does. Operations are copies of a seeded pool with fresh `seq` numbers (unique
 * across clients). Posts the latencies and acknowledged counts back to the parent.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { mulberry32 } from '@llmmon/core/random';
import { randomOperation, runHeader } from '@llmmon/testkit';
import { threadCpuSeconds } from './thread-cpu.js';

export interface ClientsJob {
  url: string;
  runId: string;
  clients: number;
  batch: number;
  seconds: number;
}

export interface ClientsResult {
  latenciesMs: number[];
  acknowledged: number;
  failedBatches: number;
  failures: string[];
  seconds: number;
  /** CPU seconds this worker thread used (null where the platform does not say). */
  cpuSeconds: number | null;
}

const job = workerData as ClientsJob;
const run = runHeader(job.runId);
const rnd = mulberry32(7);
const pool = Array.from({ length: 997 }, (_, i) => randomOperation(job.runId, i, rnd));
let seq = 0;
const result: ClientsResult = {
  latenciesMs: [],
  acknowledged: 0,
  failedBatches: 0,
  failures: [],
  seconds: 0,
  cpuSeconds: null,
};
// node:http with keep-alive rather than fetch: undici's fetch costs the clients ~2.5 ms of CPU per
// request, CPU the server shares on a small machine.
const agent = new Agent({ keepAlive: true, maxSockets: job.clients });
const url = new URL(`${job.url}/api/runs/${job.runId}/operations`);
function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const cpu0 = threadCpuSeconds();
const started = performance.now();
const end = started + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.clients }, async () => {
    while (performance.now() < end) {
      const operations = Array.from({ length: job.batch }, () => {
        const s = seq++;
        return { ...pool[s % pool.length]!, seq: s };
      });
      const body = JSON.stringify({ run, operations });
      const t0 = performance.now();
      const res = await post(body);
      const { text } = res;
      result.latenciesMs.push(performance.now() - t0);
      if (res.status < 300) result.acknowledged += job.batch;
      else {
        result.failedBatches++;
        if (result.failures.length < 5) result.failures.push(`${res.status} ${text.slice(0, 200)}`);
      }
    }
  }),
);
result.seconds = (performance.now() - started) / 1000;
const cpu1 = threadCpuSeconds();
result.cpuSeconds = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
agent.destroy();
parentPort!.postMessage(result);
