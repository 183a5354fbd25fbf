/**
 * The comparators the fidelity scenarios run side by side, each at its usual rate: psutil from
 * outside at 100 ms and 10 ms, pidusage and systeminformation at their READMEs' once a second,
 * a JS timer at 10 ms (the JS fallback's default). llmmon's native sampler runs beside them at
 * 1 kHz and 100 Hz (`LlmmonTool`).
 */
import { JsTimerPoller } from './js-timer.js';
import { PidusagePoller } from './pidusage.js';
import { type PsutilField, PsutilPoller } from './psutil.js';
import { SystemInformationPoller } from './systeminformation.js';
import type { Poller } from './types.js';

export function fidelityPollers(psutilFields: readonly PsutilField[]): Poller[] {
  return [
    new PsutilPoller(100, psutilFields),
    new PsutilPoller(10, psutilFields),
    new PidusagePoller(1000),
    new SystemInformationPoller(1000),
    new JsTimerPoller(10),
  ];
}

export type { Poller };
export { JsTimerPoller, PidusagePoller, PsutilPoller, SystemInformationPoller };
