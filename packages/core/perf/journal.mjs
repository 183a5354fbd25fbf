// What the journal's "a finished operation survives a crash" costs per operation on the
// calling thread: one JSON line appended with one synchronous write (what Journal.append does:
// in the page cache when it returns, so SIGKILL loses nothing; a power cut or kernel crash may),
// against the same write followed by fdatasync (survives a power cut too). Run with
// `node perf/journal.mjs` (build first); writes perf/results/journal-<timestamp>.json.
import { closeSync, fdatasyncSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileTimestamp, LLMMonitor, summarize } from '../dist/index.js';
import { Journal } from '../dist/journal.js';

const N = Number(process.env.LLMMON_PERF_N ?? 2_000);
const here = path.dirname(fileURLToPath(import.meta.url));

async function measure(name, sync) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'llmmon-journal-'));
  try {
    const journal = new Journal(path.join(dir, 'r.journal.jsonl'), () => ({ format: 'llmmon.journal/1' }));
    // A real record: one tracked no-op's.
    const monitor = new LLMMonitor({ outputDir: dir, journal: false, logAlerts: false });
    const record = monitor.startOperation('model', 'generate', 100).end();
    await monitor.close();
    journal.append(record); // opens the file, writes the companion
    const fd = openSync(journal.path, 'r'); // fdatasync through any fd flushes the file
    const times = [];
    for (let i = 0; i < N; i++) {
      const t0 = process.hrtime.bigint();
      journal.append(record);
      if (sync) fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    closeSync(fd);
    journal.close();
    const s = summarize(times);
    return { name, iterations: N, median_us: s.median, p95_us: s.p95 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [await measure('write (the journal)', false), await measure('write + fdatasync', true)];
console.log(
  `journal append per operation, ${N} records (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})`,
);
for (const r of results)
  console.log(`  ${r.name.padEnd(20)} p50 ${r.median_us.toFixed(1)} µs, p95 ${r.p95_us.toFixed(1)} µs`);
const out = path.join(here, 'results', `journal-${fileTimestamp()}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), loadavg: os.loadavg(), results }, null, 2)}\n`,
);
console.log(`results: ${out}`);
