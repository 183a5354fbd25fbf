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
#include "target_window.h"
#include "window_parts.h"

namespace llmmon {

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
  CpuSlices cpu;  // the process's CPU slices
  GpuAgg gpu;     // the process's GPU figures
  std::vector<TargetAgg> targets;  // the attached processes' (sorted by slot)

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
  // A light window reads the process CPU clock alone at open and close (no thread clocks, no
  // attached processes, GPU or energy): its cpu_ns is that clock's (see Sampler::open_window).
  bool light = false;
  int64_t t_ns = 0;
  int64_t cpu_ns = 0;  // process CPU as Sampler::read_cpu gives it
  uint64_t rss = 0;
  std::optional<uint64_t> rss_high_water;
  std::vector<ThreadCpu> threads;  // sorted by tid
  SystemMark system;
  GpuCounters gpu;                                  // cumulative GPU counters (read when a backend exists)
  std::vector<std::optional<uint64_t>> energy_uj;   // EnergySource channels, same order
  std::vector<TargetOpen> targets;                  // the processes attached at open, sorted by slot
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
  std::vector<TargetClose> targets;  // one per WindowOpen::targets entry, same order
};

struct EnergyWindow {
  std::string name;
  std::string scope;
  std::optional<double> joules;
};

// The window statistics the addon returns (types.ts WindowStats), in C++ units.
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
  std::vector<TargetStats> targets;  // the processes attached at open, in attach order
};

// Pure arithmetic over the readings (no I/O, no locks); names are left empty.
WindowStats finish_window(const WindowOpen& open, const WindowAgg& agg, const WindowClose& close);

}  // namespace llmmon
