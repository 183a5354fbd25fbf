// An attached process's part of a window: what a target did between openWindow() and
// closeWindow(). Split like the window itself (window.h): TargetAgg is hot (updated in place by
// the sampling and GPU threads under Sampler::mu_), TargetOpen/TargetClose are the readings taken
// at open and close on the owning JS thread; finish_target() is pure arithmetic over them.
//
// Which targets a window reports: those attached when it opened. A target that exits (or is
// detached) before the window closes ends its figures at the last reading that saw it running;
// `status` and `reason` say so. A target found missing, forbidden or exited at open has no
// figures (null) and says why.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpu_sample.h"
#include "targets.h"
#include "window_parts.h"

namespace llmmon {

struct TargetOpen {
  std::shared_ptr<Target> target;
  int64_t window_t_ns = 0;   // when the window opened (its own CPU reading)
  std::string name;          // the process's name (at attach)
  TargetReading cpu;         // ok == false: nothing could be read at open
  std::optional<uint64_t> rss;
  std::optional<uint64_t> rss_high_water;
  std::optional<uint64_t> energy_uj;
};

// Hot part: every tick (RSS), every CPU reading (slices), every GPU reading.
struct TargetAgg {
  uint32_t slot = 0;   // Target::slot: a window's list and the sampler's are both sorted by it
  uint64_t ticks = 0;  // ticks that read its RSS
  std::optional<uint64_t> rss_max;
  CpuSlices cpu;  // slices of at least kTargetSliceNs, from the open reading
  GpuAgg gpu;

  TargetAgg() = default;
  TargetAgg(uint32_t target_slot, const TargetReading& open)
      : slot(target_slot), cpu(open.t_ns, open.cpu_ns, open.cpu_ok && open.single_instant) {}

  void on_tick(uint64_t rss) {
    ++ticks;
    if (!rss_max || rss > *rss_max) rss_max = rss;
  }
};

struct TargetClose {
  TargetReading cpu;  // a fresh reading, or the last that succeeded before the target ended
  std::optional<uint64_t> rss;
  std::optional<uint64_t> rss_high_water;
  std::optional<uint64_t> energy_uj;
  TargetState state = TargetState::kLive;  // at close
  std::string reason;                      // the probe's reason at close
  bool detached = false;
  int64_t ended_ns = 0;  // when it was found exited or was detached; 0: alive at close
};

// One target's figures over a window (WindowStats::targets). Empty optionals are null in JS.
struct TargetStats {
  Pid pid = 0;
  std::string name;
  std::string role;
  std::string status;  // target_state_name(), or "detached"
  std::string reason;  // empty: null
  int64_t wall_ns = 0;  // the span its figures cover: open to close, or to its last reading
  std::optional<int64_t> cpu_ns;
  std::optional<double> avg_cpu_percent;
  std::optional<double> peak_cpu_percent;
  std::optional<uint64_t> rss_start;
  std::optional<uint64_t> rss_end;
  std::optional<uint64_t> rss_peak;
  bool threads_ok = false;
  std::vector<ThreadShare> threads;  // busiest first; names filled by the caller
  std::optional<GpuWindow> gpu;
  std::optional<double> energy_joules;
  uint64_t sample_count = 0;
};

// Pure arithmetic over the readings (no I/O, no locks); thread names are left empty.
// `window_close_ns` is when the window closed; `close_gpu` the GPU counters read then.
TargetStats finish_target(const TargetOpen& open, const TargetAgg& agg, const TargetClose& close,
                          const GpuCounters& open_gpu, const GpuCounters& close_gpu, bool gpu_backend_present,
                          uint32_t gpu_device_count);

}  // namespace llmmon
