// Pieces of a window's arithmetic that a process's own figures (window.h) and its attached
// processes' figures (target_window.h) share: the CPU slices behind a peak, the GPU aggregate,
// per-thread shares. Portable, no I/O.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu_sample.h"
#include "platform.h"

namespace llmmon {

// Peak CPU % (the record's `peak_cpu_percent`) is measured over slices of about this length.
// Slices end at the sampler's CPU readings (the timeline interval, default 10 ms); a slice counts
// once it is at least kMinSliceNs long, so a reading that wakes a little early does not merge two
// slices.
constexpr int64_t kCpuSliceNs = 10000000;
constexpr int64_t kMinSliceNs = 9000000;
// A CPU reading (the thread list, every thread's clock, the process clock) is stamped with the
// time right after it. It counts as taken at that one instant when it took no longer than
// 250 us + 3 us per thread. Unpreempted, a reading takes ~20 us + ~1.5 us per thread on an idle
// 2-vCPU VM (~0.3 ms with 200 threads) and ~100-160 us with 15 threads while 14 of them fight
// for the 2 CPUs; a preempted one takes milliseconds. A longer reading has no single time: it
// ends no CPU slice and no timeline interval, so a preemption cannot make an interval look
// busier than its threads were (a 10 ms CPU delta over an interval shortened to 0.2 ms reads
// 5,000 %). Within the limit, each end of an interval is uncertain by at most the spread times
// the threads running meanwhile: +-2 x 0.3 ms / 10 ms = +-6 % of the machine for a 10 ms slice
// at worst, ~1 % as a rule.
constexpr int64_t kSpreadBaseNs = 250000;
constexpr int64_t kSpreadPerThreadNs = 3000;
inline bool single_instant(int64_t spread_ns, size_t threads) {
  return spread_ns <= kSpreadBaseNs + kSpreadPerThreadNs * int64_t(threads);
}

// One process's GPU figures over a window, from the GPU loop's readings (GpuSample): sums,
// counts and peaks, memory peaks per scope. Updated in place under Sampler::mu_.
struct GpuAgg {
  uint32_t readings = 0;
  double util_sum = 0;
  uint32_t util_count = 0;
  double util_peak = -1;
  double process_util_sum = 0;
  uint32_t process_util_count = 0;
  double process_util_peak = -1;
  std::optional<uint64_t> process_memory_peak;
  std::optional<uint64_t> device_memory_peak;
  std::optional<bool> throttled;  // empty: no reading said either way
  uint64_t process_devices = 0;   // devices the process was seen on (mask)

  void on_gpu(const GpuSample& g) {
    ++readings;
    if (g.util_percent) {
      util_sum += *g.util_percent;
      ++util_count;
      util_peak = std::max(util_peak, *g.util_percent);
    }
    if (g.process_util_percent && g.process_util_new) {
      process_util_sum += *g.process_util_percent;
      ++process_util_count;
      process_util_peak = std::max(process_util_peak, *g.process_util_percent);
    }
    if (g.process_memory_bytes)
      process_memory_peak = std::max(process_memory_peak.value_or(0), *g.process_memory_bytes);
    if (g.device_memory_bytes)
      device_memory_peak = std::max(device_memory_peak.value_or(0), *g.device_memory_bytes);
    if (g.throttled) throttled = throttled.value_or(false) || *g.throttled;
    if (g.process_seen) process_devices |= g.device_mask;
  }
};

// The 10 ms CPU slices behind a peak CPU %: a slice starts at open, then at every CPU reading
// that ends one. A slice counts once it is at least `min_slice_ns` long, so a reading that wakes
// a little early does not merge two.
struct CpuSlices {
  int64_t start_ns = 0;
  int64_t start_cpu_ns = 0;
  double peak_percent = -1;  // < 0: no slice completed yet
  bool exact = true;         // false: the current slice's start was not read at one instant (not measured)

  CpuSlices() = default;
  CpuSlices(int64_t t_ns, int64_t cpu_ns, bool start_exact) : start_ns(t_ns), start_cpu_ns(cpu_ns), exact(start_exact) {}

  // Every single-instant CPU reading: CPU time as the reader gives it (monotone).
  void on_cpu(int64_t t_ns, int64_t cpu_ns, int64_t min_slice_ns) {
    if (t_ns - start_ns < min_slice_ns) return;
    const double pct = 100.0 * double(cpu_ns - start_cpu_ns) / double(t_ns - start_ns);
    if (exact && pct > peak_percent) peak_percent = pct;
    start_ns = t_ns;
    start_cpu_ns = cpu_ns;
    exact = true;
  }

  // The peak including the last slice, which ends at the closing reading (t_ns, cpu_ns) when
  // both its ends were single-instant; never below `avg_percent` (the whole window is itself a
  // span of at least one slice when it is that long; a shorter one reports its average).
  double peak(int64_t t_ns, int64_t cpu_ns, bool end_exact, int64_t min_slice_ns, double avg_percent) const {
    double p = peak_percent;
    if (exact && end_exact && t_ns - start_ns >= min_slice_ns)
      p = std::max(p, 100.0 * double(cpu_ns - start_cpu_ns) / double(t_ns - start_ns));
    return std::max(p, avg_percent);
  }
};

struct ThreadShare {
  std::optional<Tid> tid;  // empty: "(exited threads)"
  std::string name;
  int64_t cpu_ns = 0;
};

// A window's GPU figures (GpuSample's rules on covered devices and scope).
struct GpuWindow {
  std::vector<uint32_t> devices;  // the devices covered
  bool devices_are_process = false;  // the process was seen on them (else: every device)
  std::optional<double> util_avg_percent;    // device utilisation, mean of the GPU loop's readings
  std::optional<double> util_peak_percent;
  std::optional<double> process_util_avg_percent;  // busy_seconds / wall where engine time exists, else mean of samples
  std::optional<double> process_util_peak_percent;
  std::optional<double> busy_seconds;        // the process's engine time (busiest engine per device)
  std::optional<uint64_t> memory_peak_bytes;
  bool memory_is_process = false;            // memory_peak_bytes is the process's (else the devices' in use)
  std::optional<double> energy_joules;       // device energy counters, close - open
  std::optional<bool> throttled;
  uint32_t reading_count = 0;                // GPU loop readings inside the window
};

// A process's GPU figures over a window: the GPU loop's aggregate plus the cumulative counters
// read at open and close. `pid` picks the process's engine time; `device_count` is the backend's.
GpuWindow finish_gpu(const GpuAgg& agg, const GpuCounters& open, const GpuCounters& close, Pid pid,
                     uint32_t device_count, int64_t wall_ns);

// The highest RSS of a window: `ticks_peak` (open, close and every tick between), raised to the
// kernel's high-water mark when that grew while the window was open. The mark only grows
// (nothing here resets it): if it grew, the new all-time peak happened inside the window, so it
// is this window's exact peak, however short the spike was. Otherwise it says nothing about the
// window and the ticks' maximum stands.
inline uint64_t with_high_water(uint64_t ticks_peak, const std::optional<uint64_t>& open_mark,
                                const std::optional<uint64_t>& close_mark) {
  if (open_mark && close_mark && *close_mark > *open_mark) return std::max(ticks_peak, *close_mark);
  return ticks_peak;
}

constexpr const char* kExitedThreadsName = "(exited threads)";

// Per-thread CPU between two readings (both sorted by tid) into `out` (threads that used CPU),
// plus "(exited threads)" for what `process_delta_ns` has beyond the live threads' deltas.
// A thread absent at open was born inside the window, so all its CPU time is inside it; a clock
// that went backwards means the tid was reused by a new thread: same rule. Returns the CPU time:
// the larger of process_delta_ns and the live threads' exact deltas (a hard lower bound).
int64_t share_threads(const std::vector<ThreadCpu>& open, const std::vector<ThreadCpu>& close,
                      int64_t process_delta_ns, std::vector<ThreadShare>& out);

}  // namespace llmmon
