#include "window.h"

#include <algorithm>

namespace llmmon {

namespace {

std::optional<double> busy_percent(const CpuCounters& from, const CpuCounters& to) {
  if (to.total <= from.total || to.busy < from.busy) return std::nullopt;
  return 100.0 * double(to.busy - from.busy) / double(to.total - from.total);
}

}  // namespace

GpuWindow finish_gpu(const GpuAgg& agg, const GpuCounters& open, const GpuCounters& close, Pid pid,
                     uint32_t device_count, int64_t wall_ns) {
  GpuWindow g;
  g.reading_count = agg.readings;
  // Covered devices: those the process was seen on at any reading, else every device.
  g.devices_are_process = agg.process_devices != 0;
  uint64_t mask = agg.process_devices;
  if (mask == 0)
    for (uint32_t i = 0; i < device_count; ++i) mask |= gpu_bit(i);
  for (uint32_t i = 0; i < device_count && i < kGpuMaskBits; ++i)
    if (mask & gpu_bit(i)) g.devices.push_back(i);

  if (agg.util_count > 0) {
    g.util_avg_percent = agg.util_sum / agg.util_count;
    g.util_peak_percent = agg.util_peak;
  }
  // Engine time, where the backend counts it per process: exact between open and close.
  g.busy_seconds = process_busy_seconds(open, close, pid, mask, wall_ns);
  if (g.busy_seconds && wall_ns > 0) {
    g.process_util_avg_percent = 100.0 * *g.busy_seconds / (double(wall_ns) / 1e9);
  } else if (agg.process_util_count > 0) {
    g.process_util_avg_percent = agg.process_util_sum / agg.process_util_count;
  }
  if (agg.process_util_count > 0)
    g.process_util_peak_percent = std::max(agg.process_util_peak, g.process_util_avg_percent.value_or(0));
  else
    g.process_util_peak_percent = g.process_util_avg_percent;

  g.memory_is_process = agg.process_memory_peak.has_value();
  g.memory_peak_bytes = g.memory_is_process ? agg.process_memory_peak : agg.device_memory_peak;
  g.energy_joules = device_energy_joules(open, close, mask);
  g.throttled = agg.throttled;
  return g;
}

namespace {

std::vector<EnergyWindow> finish_energy(const std::vector<std::optional<uint64_t>>& open, const WindowClose& close) {
  std::vector<EnergyWindow> out;
  for (size_t i = 0; i < close.energy_channels.size(); ++i) {
    EnergyWindow e{close.energy_channels[i].name, close.energy_channels[i].scope, std::nullopt};
    if (i < open.size() && i < close.energy_uj.size() && open[i] && close.energy_uj[i] &&
        *close.energy_uj[i] >= *open[i])
      e.joules = double(*close.energy_uj[i] - *open[i]) / 1e6;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

WindowStats finish_window(const WindowOpen& open, const WindowAgg& agg, const WindowClose& close) {
  WindowStats s;
  s.wall_ns = std::max<int64_t>(0, close.t_ns - open.t_ns);

  // Per-thread CPU: both lists are sorted by tid. A thread absent at open was born inside the
  // window, so all its CPU time is inside it. A clock that went backwards means the tid was
  // reused by a new thread: same rule.
  int64_t live_ns = 0;
  auto o = open.threads.begin();
  for (const ThreadCpu& c : close.threads) {
    while (o != open.threads.end() && o->tid < c.tid) ++o;
    int64_t delta = c.cpu_ns;
    if (o != open.threads.end() && o->tid == c.tid && c.cpu_ns >= o->cpu_ns) delta = c.cpu_ns - o->cpu_ns;
    live_ns += delta;
    if (delta > 0) s.threads.push_back({c.tid, std::string(), delta});
  }
  // The live threads' exact deltas are a hard lower bound of the process's CPU time; what the
  // process used beyond them belongs to threads that exited inside the window (gone from the
  // close list, kept by the process clock): "(exited threads)".
  s.cpu_ns = std::max<int64_t>(live_ns, close.cpu_ns - open.cpu_ns);
  const int64_t exited_ns = s.cpu_ns - live_ns;
  if (exited_ns > 0) s.threads.push_back({std::nullopt, kExitedThreadsName, exited_ns});
  std::sort(s.threads.begin(), s.threads.end(), [](const ThreadShare& a, const ThreadShare& b) {
    if (a.cpu_ns != b.cpu_ns) return a.cpu_ns > b.cpu_ns;
    return a.tid.value_or(-1) < b.tid.value_or(-1);
  });

  s.avg_cpu_percent = s.wall_ns > 0 ? 100.0 * double(s.cpu_ns) / double(s.wall_ns) : 0.0;
  // Slices end at the sampler's CPU readings; the last one ends at close.
  s.peak_cpu_percent = agg.cpu.peak(close.cpu_t_ns, close.cpu_ns, close.cpu_exact, kMinSliceNs, s.avg_cpu_percent);

  s.rss_start = open.rss;
  s.rss_end = close.rss;
  s.rss_peak = std::max({open.rss, close.rss, agg.rss_max});
  // The kernel's high-water mark only grows (nothing here resets it). If it grew while the
  // window was open, the new all-time peak happened inside the window, so it is this
  // window's exact peak, however short the spike was. Otherwise it says nothing about the
  // window and the ticks' maximum stands.
  if (open.rss_high_water && close.rss_high_water && *close.rss_high_water > *open.rss_high_water)
    s.rss_peak = std::max(s.rss_peak, *close.rss_high_water);

  // Whole-machine CPU between the slow-loop readings nearest before open and before close;
  // when no reading arrived while the window was open, the newest interval before close.
  if (open.system.seq != 0 && close.system_last.seq > open.system.seq)
    s.system_cpu_percent = busy_percent(open.system.cpu, close.system_last.cpu);
  else if (close.system_prev.seq != 0 && close.system_last.seq > close.system_prev.seq)
    s.system_cpu_percent = busy_percent(close.system_prev.cpu, close.system_last.cpu);
  s.system_memory_percent = close.system_memory_percent;

  if (close.gpu_backend_present)
    s.gpu = finish_gpu(agg.gpu, open.gpu, close.gpu, close.pid, close.gpu_device_count, s.wall_ns);
  s.energy = finish_energy(open.energy_uj, close);
  for (const EnergyWindow& e : s.energy)
    if (e.name == "cpu") s.cpu_energy_joules = e.joules;

  s.sample_count = agg.ticks;
  s.effective_interval_ms = agg.ticks >= 2
                                ? double(agg.last_tick_ns - agg.first_tick_ns) / double(agg.ticks - 1) / 1e6
                                : double(close.configured_interval_ns) / 1e6;
  return s;
}

}  // namespace llmmon
