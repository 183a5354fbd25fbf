/**
 * The `iokit` GPU backend's rules (src/native/apple_gpu_rules.cpp) against `ioreg` listings
 * published from real Macs: which PerformanceStatistics key each figure comes from on each GPU
 * generation, missing keys as null with a reason, and per-process GPU time from user clients.
 * The IOKit calls themselves run only on a Mac (the macOS CI job).
 */
import { describe, expect, it } from 'vitest';
import { type Accelerator, apple, fixture, only } from './apple-rules.ts';

describe('accelerator statistics across GPU generations', () => {
  it('M1 Max (G13X, macOS 12): the M1 keys, name falls back to the driver class', () => {
    const gpu = only(apple.appleAccelerators(fixture('ioreg-m1-max.txt')));
    expect(gpu).toMatchObject({
      name: 'AGXAcceleratorG13X',
      io_class: 'AGXAcceleratorG13X',
      vendor: 'apple',
      registry_id: 0x10000087c,
      core_count: null,
      device_util_percent: 2,
      renderer_util_percent: 2,
      tiler_util_percent: 2,
      in_use_bytes: 340983808,
      alloc_bytes: 1214005248,
      util_key: 'Device Utilization %',
      memory_key: 'In use system memory',
      util_reason: null,
      memory_reason: null,
    });
  });

  it('M2 Max (G14X): "In use system memory (driver)"=0 comes first and is not the memory in use', () => {
    const gpu = only(apple.appleAccelerators(fixture('ioreg-m2-max.txt')));
    expect(gpu).toMatchObject({
      name: 'Apple M2 Max',
      core_count: 38,
      device_util_percent: 7,
      in_use_bytes: 1202913280,
      alloc_bytes: 10952982528,
      memory_key: 'In use system memory',
    });
  });

  it('M3 Max (G15X) under load: device, renderer and tiler read separately', () => {
    const gpu = only(apple.appleAccelerators(fixture('ioreg-m3-max.txt')));
    expect(gpu).toMatchObject({
      name: 'Apple M3 Max',
      io_class: 'AGXAcceleratorG15X',
      core_count: 30,
      device_util_percent: 48,
      renderer_util_percent: 47,
      tiler_util_percent: 48,
      in_use_bytes: 1221361664,
      alloc_bytes: 4869685248,
    });
  });

  it('AMD GPUs of Intel Macs: "GPU Activity(%)" and "vramUsedBytes"', () => {
    const listing = [
      '+-o AMDRadeonX6000_AMDNavi14GraphicsAccelerator  <class AMDRadeonX6000_AMDNavi14GraphicsAccelerator, id 0x100000727, registered>',
      '    {',
      '      "PerformanceStatistics" = {"GPU Activity(%)"=61,"vramUsedBytes"=805306368,"vramFreeBytes"=3489660928}',
      '    }',
    ].join('\n');
    expect(apple.appleAccelerators(listing)[0]).toMatchObject({
      vendor: 'amd',
      device_util_percent: 61,
      util_key: 'GPU Activity(%)',
      in_use_bytes: 805306368,
      memory_key: 'vramUsedBytes',
      renderer_util_percent: null,
      alloc_bytes: null,
    });
  });

  it('a key that is not there is null with the keys looked for, never 0', () => {
    const listing = [
      '+-o AGXAcceleratorG16X  <class AGXAcceleratorG16X, id 0x1, registered>',
      '    {',
      '      "PerformanceStatistics" = {"Renderer Utilization %"=12,"In use system memory (driver)"=0}',
      '    }',
      '+-o IntelAccelerator  <class IntelAccelerator, id 0x2, registered>',
      '    {',
      '      "model" = "Intel Iris"',
      '    }',
    ].join('\n');
    const [agx, intel] = apple.appleAccelerators(listing) as [Accelerator, Accelerator];
    expect(agx.device_util_percent).toBeNull();
    expect(agx.renderer_util_percent).toBe(12);
    expect(agx.in_use_bytes).toBeNull();
    expect(agx.util_reason).toBe(
      `this GPU's PerformanceStatistics has no utilisation (looked for "Device Utilization %", "GPU Activity(%)")`,
    );
    expect(agx.memory_reason).toContain('"In use system memory", "vramUsedBytes"');
    expect(intel).toMatchObject({
      name: 'Intel Iris',
      vendor: 'intel',
      has_statistics: false,
      device_util_percent: null,
    });
  });

  it('out-of-range percentages are not readings', () => {
    const listing = [
      '+-o AGXAcceleratorG13G  <class AGXAcceleratorG13G, id 0x3, registered>',
      '    {',
      '      "PerformanceStatistics" = {"Device Utilization %"=250,"Tiler Utilization %"=-1}',
      '    }',
    ].join('\n');
    const gpu = only(apple.appleAccelerators(listing));
    expect(gpu.device_util_percent).toBeNull();
    expect(gpu.tiler_util_percent).toBeNull();
  });

  it('unreadable listings fail with the line that is wrong', () => {
    expect(() =>
      apple.appleAccelerators('+-o X  <class X, id 0x1>\n    {\n      "a" = {"b"=\n    }\n'),
    ).toThrow(/ioreg text line 3: expected a value/);
  });
});

describe('per-process GPU time from user clients', () => {
  it('sums AppUsage entries per client, reads the pid from IOUserClientCreator', () => {
    const clients = apple.appleUserClients(fixture('ioreg-user-clients.txt'));
    expect(clients.map((c) => [c.pid, c.gpu_ns])).toEqual([
      [390, 912000000],
      [4242, 1233367625 + 250000000],
      [4242, 0],
      [77, null], // no AppUsage: no GPU time to read, not 0
      [501, 42000], // an Intel driver's own accumulatedGPUTime
    ]);
  });

  it('a creator in another shape has no pid', () => {
    const listing = [
      '+-o AGXAcceleratorG13X  <class AGXAcceleratorG13X, id 0x1, registered>',
      '    {',
      '    }',
      '  +-o AGXDeviceUserClient  <class AGXDeviceUserClient, id 0x2, !registered>',
      '      {',
      '        "IOUserClientCreator" = "kernel_task"',
      '        "AppUsage" = ({"accumulatedGPUTime"=5})',
      '      }',
      '  +-o AGXDeviceUserClient  <class AGXDeviceUserClient, id 0x3, !registered>',
      '      {',
      '        "IOUserClientCreator" = "pid 12x, odd"',
      '      }',
    ].join('\n');
    expect(apple.appleUserClients(listing).map((c) => c.pid)).toEqual([null, null]);
  });

  it('a process keeps the time of clients it closed, and a smaller number holds', () => {
    const passes = [
      // two clients of 4242, one of 390
      [
        { id: 1, pid: 4242, ns: 100 },
        { id: 2, pid: 4242, ns: 50 },
        { id: 3, pid: 390, ns: 7 },
      ],
      // client 1 grew by 30, client 2 closed (its 50 ns stay), a new client 4 brings 5
      [
        { id: 1, pid: 4242, ns: 130 },
        { id: 3, pid: 390, ns: 7 },
        { id: 4, pid: 4242, ns: 5 },
      ],
      // client 1 reads lower (never published): held, then grows past it again
      [
        { id: 1, pid: 4242, ns: 120 },
        { id: 4, pid: 4242, ns: 5 },
      ],
      [
        { id: 1, pid: 4242, ns: 140 },
        { id: 4, pid: 4242, ns: 5 },
      ],
    ];
    const totals = apple.appleLedger(passes, [4242, 390, 1]);
    expect(totals.map((t) => t['4242'])).toEqual([150, 185, 185, 195]);
    expect(totals.map((t) => t['390'])).toEqual([7, 7, 7, 7]);
    expect(totals[3]?.['1']).toBeNull(); // never seen: no GPU client, not 0 GPU time
  });
});
