// Run by journal.test.ts: finishes N operations, then hangs inside one more until killed.
const [coreUrl, outputDir, n] = process.argv.slice(2);
const { LLMMonitor } = await import(coreUrl);
const monitor = new LLMMonitor({ outputDir, sampler: 'js', thresholds: { duration_seconds: 0.001 } });
process.stdout.write(`${JSON.stringify({ journal: monitor.journalPath })}\n`);
setInterval(() => {}, 1000); // keeps the process alive while the last operation hangs
for (let i = 0; i < Number(n); i++) {
  await monitor.trackOperation('child', 'inference', i, () => new Promise((r) => setTimeout(r, 5)));
  process.stdout.write(`done ${i}\n`);
}
await monitor.trackOperation('child', 'hang', 0, () => new Promise(() => {}));
