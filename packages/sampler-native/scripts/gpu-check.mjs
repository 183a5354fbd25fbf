#!/usr/bin/env node
// Checks the NVML backend on a machine with an NVIDIA GPU (run through scripts/gpu-check.sh at
// the repository root). Needs only the built package (dist/ and build/Release) and node.
//
//   node scripts/gpu-check.mjs [seconds]     default 10
//   GPU_CHECK_LOAD='command'                 a GPU workload to run while measuring (optional)
//
// It prints capabilities(), reads the counters every 100 ms for `seconds` while a window is
// open, and compares the devices' energy counter over the window with their power integrated
// over the same time (the timeline's power, NVML's own reading: a 1 s average on recent GPUs).
// Exit code: 0 they agree within 10 %, 1 they do not, 2 nothing to check here (no NVML, or no
// energy or power counter), with the reason.
import { spawn } from 'node:child_process';
import { capabilities, now, Sampler } from '../dist/index.js';

const TOLERANCE = 0.1;
const seconds = Number(process.argv[2] ?? 10);
if (!(seconds >= 2 && seconds <= 600)) {
  console.error(`gpu-check: seconds must be between 2 and 600, got ${process.argv[2]}`);
  process.exit(2);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (v, digits = 1) => (v === null || v === undefined ? 'null' : v.toFixed(digits));

const caps = capabilities();
console.log(JSON.stringify(caps, null, 2));
if (caps.gpu_backend !== 'nvml') {
  console.log(
    `\ngpu-check: cannot check: GPU backend is ${caps.gpu_backend}: ${caps.counters.gpu_energy.reason}`,
  );
  process.exit(2);
}
for (const name of ['gpu_energy', 'gpu_power']) {
  if (!caps.counters[name].available) {
    console.log(`\ngpu-check: cannot check: ${name} unavailable: ${caps.counters[name].reason}`);
    process.exit(2);
  }
}

let load = null;
if (process.env.GPU_CHECK_LOAD) {
  load = spawn('bash', ['-c', process.env.GPU_CHECK_LOAD], { stdio: 'inherit', detached: true });
  console.log(`\nworkload started: ${process.env.GPU_CHECK_LOAD}`);
}

const sampler = new Sampler({ gpuIntervalMs: 100 }).start();
await sleep(1500); // a first power average, and the workload under way
sampler.timeline();
const id = sampler.openWindow();
const opened = now();
let integral = 0; // joules: power held from one timeline sample to the next
let previous = null;
let powerSamples = 0;
const drain = () => {
  const b = sampler.timeline();
  for (let i = 0; i < b.length; i++) {
    const t = b.t[i];
    const p = b.gpu_power_watts[i];
    if (t < opened || Number.isNaN(p)) continue;
    if (previous) integral += previous.p * (t - previous.t);
    previous = { t, p };
    powerSamples++;
  }
};
console.log('\n   t s   util %   power W   memory MiB   temperature');
for (let s = 1; s <= seconds; s++) {
  await sleep(1000);
  drain();
  const l = sampler.latest();
  console.log(
    `${String(s).padStart(6)} ${fmt(l?.gpu_util_percent).padStart(8)} ${fmt(l?.gpu_power_watts).padStart(9)} ${fmt(
      l?.gpu_memory_bytes === null ? null : l.gpu_memory_bytes / 2 ** 20,
      0,
    ).padStart(12)}`,
  );
}
const stats = sampler.closeWindow(id);
drain();
if (previous) integral += previous.p * (now() - previous.t); // the last value up to close
const diagnostics = sampler.diagnostics();
sampler.stop();
if (load) process.kill(-load.pid, 'SIGTERM');

const energy = stats.gpu?.energy_joules ?? null;
console.log('\nwindow:', JSON.stringify({ wall_seconds: stats.wall_seconds, gpu: stats.gpu }, null, 2));
console.log(
  `\nNVML cost per GPU-loop reading: ${fmt((1e6 * diagnostics.gpu_read_seconds) / diagnostics.gpu_readings)} us wall, ` +
    `${fmt((1e6 * diagnostics.gpu_thread_cpu_seconds) / diagnostics.gpu_readings)} us CPU (${diagnostics.gpu_readings} readings)`,
);
if (energy === null || powerSamples < 2) {
  console.log(`gpu-check: cannot check: energy ${energy}, ${powerSamples} power samples`);
  process.exit(2);
}
const difference = Math.abs(energy - integral) / integral;
console.log(
  `energy counter ${fmt(energy, 3)} J; power x time ${fmt(integral, 3)} J over ${fmt(stats.wall_seconds, 2)} s; ` +
    `difference ${fmt(100 * difference, 2)} % (limit ${100 * TOLERANCE} %)`,
);
const pass = difference <= TOLERANCE;
console.log(`gpu-check: ${pass ? 'PASS' : 'FAIL'}`);
process.exit(pass ? 0 : 1);
