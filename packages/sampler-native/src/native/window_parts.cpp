#include "window_parts.h"

namespace llmmon {

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

int64_t share_threads(const std::vector<ThreadCpu>& open, const std::vector<ThreadCpu>& close,
                      int64_t process_delta_ns, std::vector<ThreadShare>& out) {
  int64_t live_ns = 0;
  auto o = open.begin();
  for (const ThreadCpu& c : close) {
    while (o != open.end() && o->tid < c.tid) ++o;
    int64_t delta = c.cpu_ns;
    if (o != open.end() && o->tid == c.tid && c.cpu_ns >= o->cpu_ns) delta = c.cpu_ns - o->cpu_ns;
    live_ns += delta;
    if (delta > 0) out.push_back({c.tid, std::string(), delta});
  }
  // The live threads' exact deltas are a hard lower bound of the process's CPU time; what the
  // process used beyond them belongs to threads that exited inside the window.
  const int64_t cpu_ns = std::max<int64_t>(live_ns, process_delta_ns);
  if (cpu_ns > live_ns) out.push_back({std::nullopt, kExitedThreadsName, cpu_ns - live_ns});
  std::sort(out.begin(), out.end(), [](const ThreadShare& a, const ThreadShare& b) {
    if (a.cpu_ns != b.cpu_ns) return a.cpu_ns > b.cpu_ns;
    return a.tid.value_or(-1) < b.tid.value_or(-1);
  });
  return cpu_ns;
}

}  // namespace llmmon
