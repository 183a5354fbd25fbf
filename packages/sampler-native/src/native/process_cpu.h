// The process's CPU time from one reading of every CPU clock: the live threads' own clocks and
// the process clock, read right after them.
//
// Why not simply the process CPU clock: Linux adds a running thread's time to it only at
// scheduler ticks and context switches, so while a thread runs on another CPU the clock lags
// by up to one tick (4 ms at HZ=250). Over a 10 ms slice that is +-40 % per busy thread, and it
// would make "(exited threads)" appear out of nothing. Per-thread clocks are exact: reading one
// brings a running thread's count up to date, in the process clock too. So with every thread
// clock read first and the process clock right after,
//   process - (sum of the live threads' clocks)
// is the CPU time of the threads that have exited (the process clock keeps it), plus what the
// live threads ran between their own reading and the process clock's (the reading's spread,
// ~20 us here), plus the time of threads too new to be listed. Exited time only grows, so
//   exited = running maximum of two lower bounds:
//     - that difference, over single-instant readings (a preempted one, single_instant() false,
//       would add its whole preemption); exact up to the spread of one reading times the
//       threads running meanwhile (read the other way round, process clock first, it would lag
//       by up to a tick per busy thread on another CPU);
//     - its previous value plus the last known clocks of the threads that vanished since the
//       previous reading (they took at least that much CPU time with them).
// The second bound matters on a loaded machine, where readings are often preempted: without it
// a thread's exit would hold the estimate at its previous value until the next single-instant
// reading, and the CPU time spent meanwhile would be counted where it catches up (a window
// opened in between would be charged with CPU time burned before it).
// The process's CPU time is then exited + the live threads' exact clocks, kept monotone (the
// true value is).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "platform.h"

namespace llmmon {

class ProcessCpuEstimate {
 public:
  // One reading: `threads` sorted by tid (complete when `listed`), the process clock when
  // `process_ok`, and whether the reading took a single instant (single_instant() in
  // window_parts.h). Returns the process's CPU time at the reading. Not thread-safe.
  int64_t update(const std::vector<ThreadCpu>& threads, bool listed, int64_t process_ns, bool process_ok,
                 bool single_instant);

 private:
  int64_t exited_ns_ = 0;
  int64_t floor_ns_ = std::numeric_limits<int64_t>::min();
  std::vector<ThreadCpu> last_;  // the previous complete listing, sorted by tid
};

}  // namespace llmmon
