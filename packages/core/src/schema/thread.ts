/** One thread's share of CPU time: an entry of `threads` (this process's, or an attached one's). */
import { field } from './field.js';

export const THREAD_FIELDS = {
  tid: field.integerOrNull({
    min: 0,
    description:
      'OS thread id (Linux kernel tid, macOS 64-bit thread id); null for the "(exited threads)" remainder',
  }),
  name: field.text({ description: 'Thread name (Linux `comm`, macOS pthread name), or "(exited threads)"' }),
  cpu_seconds: field.float({
    unit: 'seconds',
    min: 0,
    description: 'CPU time (user + system) the thread used inside the operation',
  }),
} as const;
