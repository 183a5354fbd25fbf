// Measurement windows: what happened between openWindow() and closeWindow().
//
// A window is split in two so the sampling thread touches as little as possible:
//  - WindowAgg  (hot)  running max/sum updated in place at every tick by the sampling thread,
//                      O(1) memory whatever the window's length; guarded by Sampler::mu_.
//  - WindowOpen (cold) the exact readings taken at open (clocks, RSS, every thread's CPU);
//                      read and written only by the thread that owns the Sampler (its JS thread).
// finish_window() combines both with the readings taken at close into WindowStats.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "energy.h"
#include "gpu_sample.h"
#include "platform.h"

namespace llmmon {

// Peak CPU % is measured over slices of about this length (DESIGN.md: "10 ms slices"). Slices
// end at the sampler's CPU readings (the timeline interval, default 10 ms); a slice counts once it
// is at least kMinSliceNs long, so a reading that wakes a little early does not merge two slices.
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

struct WindowAgg {
  uint32_t id = 0;
  uint64_t ticks = 0;
  int64_t first_tick_ns = 0;
  int64_t last_tick_ns = 0;
  uint64_t rss_max = 0;
  CpuSlices cpu;  // the process's CPU slices
  GpuAgg gpu;     // the process's GPU figures

  WindowAgg() = default;
  WindowAgg(uint32_t window_id, int64_t t_ns, int64_t cpu_ns, uint64_t rss, bool exact)
      : id(window_id), rss_max(rss), cpu(t_ns, cpu_ns, exact) {}

  // Every tick: RSS.
  void on_tick(int64_t t_ns, uint64_t rss, bool rss_ok) {
    if (ticks++ == 0) first_tick_ns = t_ns;
    last_tick_ns = t_ns;
    if (rss_ok && rss > rss_max) rss_max = rss;
  }
};

struct WindowOpen {
  int64_t t_ns = 0;
  int64_t cpu_ns = 0;  // process CPU as Sampler::read_cpu gives it
  uint64_t rss = 0;
  std::optional<uint64_t> rss_high_water;
  std::vector<ThreadCpu> threads;  // sorted by tid
  SystemMark system;
  GpuCounters gpu;                                  // cumulative GPU counters (read when a backend exists)
  std::vector<std::optional<uint64_t>> energy_uj;   // EnergySource channels, same order
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
  GpuCounters gpu;
  std::vector<std::optional<uint64_t>> energy_uj;
  std::vector<EnergyChannelInfo> energy_channels;  // names and scopes of energy_uj's entries
  uint32_t gpu_device_count = 0;
  Pid pid = 0;
  int64_t configured_interval_ns = 0;
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

struct EnergyWindow {
  std::string name;
  std::string scope;
  std::optional<double> joules;
};

// WindowStats of DESIGN.md, in C++ units.
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
  std::optional<double> cpu_energy_joules;  // the "cpu" energy channel, close - open
  std::vector<EnergyWindow> energy;          // every energy channel
  uint64_t sample_count = 0;
  double effective_interval_ms = 0;
};

constexpr const char* kExitedThreadsName = "(exited threads)";

// Pure arithmetic over the readings (no I/O, no locks); names are left empty.
WindowStats finish_window(const WindowOpen& open, const WindowAgg& agg, const WindowClose& close);

}  // namespace llmmon
