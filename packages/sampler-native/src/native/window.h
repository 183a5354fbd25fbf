// Measurement windows: what happened between openWindow() and closeWindow().
//
// A window is split in two so the sampling thread touches as little as possible:
//  - WindowAgg  (hot)  running max/sum updated in place at every tick by the sampling thread,
//                      O(1) memory whatever the window's length; guarded by Sampler::mu_.
//  - WindowOpen (cold) the exact readings taken at open (clocks, RSS, every thread's CPU);
//                      read and written only by the thread that owns the Sampler (its JS thread).
// finish_window() combines both with the readings taken at close into WindowStats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu.h"
#include "platform.h"

namespace llmmon {

// Peak CPU % (the record's `peak_cpu_percent`) is measured over 10 ms slices, about this long.
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

// A whole-machine CPU reading of the slow loop, numbered so windows can tell whether a newer
// one arrived while they were open.
struct SystemMark {
  uint64_t seq = 0;  // 0: no reading
  CpuCounters cpu;
};

struct WindowAgg {
  uint32_t id = 0;
  uint64_t ticks = 0;
  int64_t first_tick_ns = 0;
  int64_t last_tick_ns = 0;
  uint64_t rss_max = 0;
  // Current CPU slice: starts at open, then at every CPU reading that closes a slice.
  int64_t slice_start_ns = 0;
  int64_t slice_start_cpu_ns = 0;
  double peak_slice_percent = -1;  // < 0: no slice completed yet
  bool slice_exact = true;         // false: its start was not read at one instant (not measured)
  // GPU (slow loop).
  double gpu_util_sum = 0;
  uint32_t gpu_util_count = 0;
  double gpu_util_peak = -1;
  uint64_t gpu_memory_peak = 0;
  bool gpu_memory_seen = false;

  WindowAgg() = default;
  WindowAgg(uint32_t window_id, int64_t t_ns, int64_t cpu_ns, uint64_t rss, bool exact)
      : id(window_id), rss_max(rss), slice_start_ns(t_ns), slice_start_cpu_ns(cpu_ns), slice_exact(exact) {}

  // Every tick: RSS.
  void on_tick(int64_t t_ns, uint64_t rss, bool rss_ok) {
    if (ticks++ == 0) first_tick_ns = t_ns;
    last_tick_ns = t_ns;
    if (rss_ok && rss > rss_max) rss_max = rss;
  }

  // Every exact CPU reading (timeline interval): process CPU time as Sampler::read_cpu gives it.
  void on_cpu(int64_t t_ns, int64_t cpu_ns) {
    if (t_ns - slice_start_ns < kMinSliceNs) return;
    const double pct = 100.0 * double(cpu_ns - slice_start_cpu_ns) / double(t_ns - slice_start_ns);
    if (slice_exact && pct > peak_slice_percent) peak_slice_percent = pct;
    slice_start_ns = t_ns;
    slice_start_cpu_ns = cpu_ns;
    slice_exact = true;
  }

  void on_gpu(const GpuReading& g) {
    if (g.util_percent) {
      gpu_util_sum += *g.util_percent;
      ++gpu_util_count;
      if (*g.util_percent > gpu_util_peak) gpu_util_peak = *g.util_percent;
    }
    if (g.memory_bytes) {
      gpu_memory_seen = true;
      if (*g.memory_bytes > gpu_memory_peak) gpu_memory_peak = *g.memory_bytes;
    }
  }
};

struct WindowOpen {
  int64_t t_ns = 0;
  int64_t cpu_ns = 0;  // process CPU as Sampler::read_cpu gives it
  uint64_t rss = 0;
  std::optional<uint64_t> rss_high_water;
  std::vector<ThreadCpu> threads;  // sorted by tid
  SystemMark system;
};

// The readings taken at close, plus what the Sampler knew then.
struct WindowClose {
  int64_t t_ns = 0;
  int64_t cpu_ns = 0;      // process CPU as Sampler::read_cpu gives it
  int64_t cpu_t_ns = 0;    // when it was read (right after the thread clocks)
  bool cpu_exact = false;  // a single-instant reading (single_instant()): it may end the last slice
  uint64_t rss = 0;
  std::optional<uint64_t> rss_high_water;
  std::vector<ThreadCpu> threads;  // sorted by tid
  SystemMark system_last;          // newest slow-loop reading
  SystemMark system_prev;          // the one before it
  std::optional<double> system_memory_percent;
  bool gpu_backend_present = false;
  int64_t configured_interval_ns = 0;
};

struct ThreadShare {
  std::optional<Tid> tid;  // empty: "(exited threads)"
  std::string name;
  int64_t cpu_ns = 0;
};

struct GpuWindow {
  std::optional<double> util_avg_percent;
  std::optional<double> util_peak_percent;
  std::optional<uint64_t> memory_peak_bytes;
};

// The WindowStats of the TypeScript API (src/types.ts), in C++ units.
struct WindowStats {
  int64_t wall_ns = 0;
  int64_t cpu_ns = 0;
  double avg_cpu_percent = 0;
  double peak_cpu_percent = 0;
  uint64_t rss_start = 0;
  uint64_t rss_end = 0;
  uint64_t rss_peak = 0;
  std::optional<double> system_cpu_percent;
  std::optional<double> system_memory_percent;
  std::vector<ThreadShare> threads;  // busiest first; names filled by the caller
  std::optional<GpuWindow> gpu;
  uint64_t sample_count = 0;
  double effective_interval_ms = 0;
};

constexpr const char* kExitedThreadsName = "(exited threads)";

// Pure arithmetic over the readings (no I/O, no locks); names are left empty.
WindowStats finish_window(const WindowOpen& open, const WindowAgg& agg, const WindowClose& close);

}  // namespace llmmon
