#include "target_window.h"

#include <algorithm>
#include <cstdio>

namespace llmmon {

namespace {

std::string seconds_text(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", double(ns) / 1e9);
  return buf;
}

// Why a target's figures are missing or end early, in one line.
std::string end_reason(const TargetOpen& open, const TargetClose& close, const TargetReading& end, int64_t open_t_ns) {
  if (!open.cpu.ok) {
    if (close.state == TargetState::kExited && close.ended_ns > 0 && close.ended_ns <= open_t_ns)
      return "the process had exited before the window opened";
    return close.reason.empty() ? "nothing could be read when the window opened" : close.reason;
  }
  if (close.detached)
    return "detached (removeTarget) " + seconds_text(close.ended_ns - open_t_ns) +
           " after the window opened: its figures end there";
  if (close.state == TargetState::kExited) {
    std::string why = "the process exited inside the window (seen gone " + seconds_text(close.ended_ns - open_t_ns) +
                      " after it opened)";
    return why + "; its figures end at the last reading that saw it running, " + seconds_text(end.t_ns - open_t_ns) +
           " after the window opened";
  }
  return close.reason;
}

}  // namespace

TargetStats finish_target(const TargetOpen& open, const TargetAgg& agg, const TargetClose& close,
                          const GpuCounters& open_gpu, const GpuCounters& close_gpu, bool gpu_backend_present,
                          uint32_t gpu_device_count) {
  const Target& t = *open.target;
  TargetStats s;
  s.pid = t.pid;
  s.name = open.name;
  s.role = t.role;
  s.sample_count = agg.ticks;
  s.status = close.detached ? "detached" : target_state_name(open.cpu.ok ? close.state : t.probe.state());
  const TargetReading& end = close.cpu;
  s.reason = end_reason(open, close, end, open.cpu.ok ? open.cpu.t_ns : open.window_t_ns);
  // Figures need a reading at both ends, the end one after the open one (a target that was gone
  // before the window opened has none).
  if (!open.cpu.ok || !end.ok || end.t_ns <= open.cpu.t_ns) return s;
  s.wall_ns = end.t_ns - open.cpu.t_ns;

  if (open.cpu.cpu_ok && end.cpu_ok) {
    const int64_t process_delta = end.cpu_ns - open.cpu.cpu_ns;
    if (open.cpu.threads_ok && end.threads_ok) {
      s.threads_ok = true;
      s.cpu_ns = share_threads(open.cpu.threads, end.threads, process_delta, s.threads);
    } else {
      s.cpu_ns = process_delta;
    }
    s.avg_cpu_percent = s.wall_ns > 0 ? 100.0 * double(*s.cpu_ns) / double(s.wall_ns) : 0.0;
    s.peak_cpu_percent = agg.cpu.peak(end.t_ns, end.cpu_ns, end.single_instant, kTargetSliceNs, *s.avg_cpu_percent);
  }

  s.rss_start = open.rss;
  s.rss_end = close.rss;
  if (open.rss && close.rss) {
    const uint64_t ticks_peak = std::max({*open.rss, *close.rss, agg.rss_max.value_or(0)});
    s.rss_peak = with_high_water(ticks_peak, open.rss_high_water, close.rss_high_water);
  }

  if (gpu_backend_present) s.gpu = finish_gpu(agg.gpu, open_gpu, close_gpu, t.pid, gpu_device_count, s.wall_ns);
  if (open.energy_uj && close.energy_uj && *close.energy_uj >= *open.energy_uj)
    s.energy_joules = double(*close.energy_uj - *open.energy_uj) / 1e6;
  return s;
}

}  // namespace llmmon
