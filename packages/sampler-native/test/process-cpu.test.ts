import { describe, expect, it } from 'vitest';
import { testing } from './helpers.js';

// The process CPU estimate (src/native/process_cpu.h) over scripted clock readings: [tid, CPU ns]
// per live thread and the process clock read right after them.
const estimate = testing.processCpuEstimate;

describe('process CPU estimate', () => {
  it('counts a thread that exited before a preempted reading with its last known clock', () => {
    const [first, preempted, next] = estimate([
      // 50 ns of threads that exited earlier; thread 11 is about to exit.
      {
        threads: [
          [10, 100],
          [11, 300],
          [12, 50],
        ],
        process_ns: 500,
        single_instant: true,
      },
      // 11 exited (after 5 ns more). Preempted: the process clock also holds what ran during
      // the preemption (400 ns), so it is no bound.
      {
        threads: [
          [10, 110],
          [12, 55],
        ],
        process_ns: 50 + 305 + 165 + 400,
        single_instant: false,
      },
      {
        threads: [
          [10, 120],
          [12, 60],
        ],
        process_ns: 50 + 305 + 180,
        single_instant: true,
      },
    ]);
    expect(first).toBe(500);
    // Exited: at least 50 + 300; live 165. (Holding the previous 500 would charge the 15 ns the
    // live threads ran meanwhile to whatever window the next reading closes.)
    expect(preempted).toBe(50 + 300 + 165);
    expect(next).toBe(50 + 305 + 180);
  });

  it('counts a tid reused by a younger thread (a lower clock) as an exit', () => {
    expect(
      estimate([
        { threads: [[10, 100]], process_ns: 100, single_instant: true },
        { threads: [[10, 5]], process_ns: 900, single_instant: false },
      ]),
    ).toEqual([100, 105]);
  });

  it('takes no bound from the process clock of a preempted reading', () => {
    expect(
      estimate([
        { threads: [[10, 100]], process_ns: 100, single_instant: true },
        { threads: [[10, 110]], process_ns: 900, single_instant: false },
        { threads: [[10, 120]], process_ns: 120, single_instant: true },
      ]),
    ).toEqual([100, 110, 120]);
  });

  it('takes threads missing from a failed listing for alive, and never goes back', () => {
    expect(
      estimate([
        { threads: [[10, 100]], process_ns: 100, single_instant: true },
        { threads: [], process_ns: 105, single_instant: false },
        { threads: [[10, 110]], process_ns: 110, single_instant: true },
      ]),
    ).toEqual([100, 100, 110]);
  });
});
