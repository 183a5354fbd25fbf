/**
 * CPU energy from powercap RAPL, against a directory laid out like /sys/class/powercap
 * (LLMMON_SYS_ROOT): package zones with their core subzones, a dram zone, the platform (psys)
 * zone and the intel-rapl-mmio duplicate, counters the test moves by known amounts, wrap-arounds
 * included. No RAPL hardware is involved.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sampler } from '../src/index.js';
import { gpuPasses, put, tempDir } from './gpu-stand-ins.js';
import { requireDist } from './helpers.js';

const RANGE = 262_143_328_850; // a common max_energy_range_uj
let tmp: ReturnType<typeof tempDir>;
let sys: string;
let sampler: Sampler | undefined;

function zone(name: string, label: string, uj: number, range = RANGE): void {
  put(sys, `class/powercap/${name}/name`, `${label}\n`);
  put(sys, `class/powercap/${name}/max_energy_range_uj`, `${range}\n`);
  put(sys, `class/powercap/${name}/energy_uj`, `${uj}\n`);
}
/** Rewrites a counter in place, as sysfs changes it: the source keeps the file open. */
const energy = (name: string, uj: number) =>
  writeFileSync(path.join(sys, `class/powercap/${name}/energy_uj`), `${uj}\n`);

function start(): Sampler {
  process.env.LLMMON_SYS_ROOT = sys;
  process.env.LLMMON_NVML_PATH = path.join(tmp.dir, 'no-libnvidia-ml.so.1');
  sampler = new Sampler({ gpuIntervalMs: 10 }).start();
  return sampler;
}

beforeEach(() => {
  tmp = tempDir('llmmon-rapl-');
  sys = path.join(tmp.dir, 'sys');
  zone('intel-rapl:0', 'package-0', 1_000_000);
  zone('intel-rapl:0:0', 'core', 400_000);
  zone('intel-rapl:0:2', 'dram', 50_000);
  zone('intel-rapl:1', 'package-1', 2_000_000);
  zone('intel-rapl:2', 'psys', 9_000_000);
  zone('intel-rapl-mmio:0', 'package-0', 1_000_000);
});

afterEach(() => {
  sampler?.stop();
  sampler = undefined;
  tmp.cleanup();
});

afterAll(() => {
  delete process.env.LLMMON_SYS_ROOT;
  delete process.env.LLMMON_NVML_PATH;
});

describe('RAPL energy (a directory laid out like powercap)', () => {
  it('cpu sums the packages only; dram is its own channel', async () => {
    const s = start();
    const caps = s.capabilities();
    expect(caps.energy_source).toBe('rapl');
    expect(caps.counters.cpu_energy).toMatchObject({
      available: true,
      scope: 'package',
      resolution_ms: null,
    });
    expect(caps.energy_channels.map((c) => [c.name, c.available])).toEqual([
      ['cpu', true],
      ['dram', true],
    ]);
    const id = s.openWindow();
    energy('intel-rapl:0', 3_500_000); // +2.5 J
    energy('intel-rapl:1', 2_250_000); // +0.25 J
    energy('intel-rapl:0:0', 2_000_000); // core: inside package-0, not added
    energy('intel-rapl:2', 99_000_000); // psys: the whole platform, not the CPU
    energy('intel-rapl-mmio:0', 8_000_000); // the same package through MMIO, not added
    energy('intel-rapl:0:2', 175_000); // dram +0.125 J
    const stats = s.closeWindow(id);
    expect(stats.cpu_energy_joules).toBe(2.75);
    expect(stats.energy).toEqual([
      { name: 'cpu', scope: 'package', joules: 2.75 },
      { name: 'dram', scope: 'package', joules: 0.125 },
    ]);
    expect(stats.gpu).toBeNull(); // energy alone is no GPU backend
  });

  it('a counter that wraps at max_energy_range_uj adds the range', async () => {
    energy('intel-rapl:0', RANGE - 1_000_000);
    const s = start();
    const id = s.openWindow();
    energy('intel-rapl:0', 2_000_000);
    expect(s.closeWindow(id).cpu_energy_joules).toBe(3);
  });

  it('several wraps inside one window: the GPU loop reads the counter often enough to see each', async () => {
    const range = 10_000_000; // a small range: 10 J
    zone('intel-rapl:0', 'package-0', 9_000_000, range);
    const s = start();
    await gpuPasses(s, 1);
    const id = s.openWindow();
    for (const uj of [4_000_000, 8_000_000, 1_000_000, 6_000_000, 500_000]) {
      energy('intel-rapl:0', uj);
      await gpuPasses(s, 2);
    }
    // 9 -> 4 (wrap: +5), -> 8 (+4), -> 1 (wrap: +3), -> 6 (+5), -> 0.5 (wrap: +4.5) J
    expect(s.closeWindow(id).cpu_energy_joules).toBe(21.5);
  });

  it('no powercap zones: null with the reason, and no extra thread', () => {
    tmp.cleanup();
    const s = start();
    expect(s.capabilities().counters.cpu_energy).toMatchObject({ available: false, scope: 'package' });
    expect(s.capabilities().counters.cpu_energy.reason).toMatch(/^no RAPL cpu zone in .*\/class\/powercap/);
    expect(s.closeWindow(s.openWindow()).cpu_energy_joules).toBeNull();
    expect(s.diagnostics().gpu_readings).toBe(0);
  });

  it('energy_uj readable by root only: null, and the reason says so', () => {
    const file = path.join(sys, 'class/powercap/intel-rapl:0/energy_uj');
    let reason: string | null;
    if (process.getuid?.() === 0) {
      // Root reads any file: ask a child running as nobody, as a normal user would run.
      if (!existsSync('/usr/bin/setpriv')) return;
      chmodSync(file, 0o400);
      chmodSync(tmp.dir, 0o755);
      const script = `import { capabilities } from ${JSON.stringify(requireDist())};
        console.log(JSON.stringify(capabilities().counters.cpu_energy));`;
      const out = execFileSync(
        '/usr/bin/setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '--input-type=module',
          '-e',
          script,
        ],
        { env: { ...process.env, LLMMON_SYS_ROOT: sys }, encoding: 'utf8' },
      );
      reason = (JSON.parse(out) as { reason: string | null }).reason;
    } else {
      chmodSync(file, 0);
      reason = start().capabilities().counters.cpu_energy.reason;
    }
    expect(reason).toMatch(
      /intel-rapl:0\/energy_uj: Permission denied \(readable by root only since Linux 5\.10/,
    );
  });
});
