#include "window.h"

#include <algorithm>

namespace llmmon {

namespace {

std::optional<double> busy_percent(const CpuCounters& from, const CpuCounters& to) {
  if (to.total <= from.total || to.busy < from.busy) return std::nullopt;
  return 100.0 * double(to.busy - from.busy) / double(to.total - from.total);
}

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

  // Live threads + "(exited threads)" (gone from the close list, kept by the process clock);
  // a light window has the process clock's change alone.
  s.cpu_ns = open.light ? std::max<int64_t>(0, close.cpu_ns - open.cpu_ns)
                        : share_threads(open.threads, close.threads, close.cpu_ns - open.cpu_ns, s.threads);

  s.avg_cpu_percent = s.wall_ns > 0 ? 100.0 * double(s.cpu_ns) / double(s.wall_ns) : 0.0;
  // Slices end at the sampler's CPU readings; the last one ends at close.
  s.peak_cpu_percent = agg.cpu.peak(close.cpu_t_ns, close.cpu_ns, close.cpu_exact, kMinSliceNs, s.avg_cpu_percent);

  s.rss_start = open.rss;
  s.rss_end = close.rss;
  s.rss_peak = with_high_water(std::max({open.rss, close.rss, agg.rss_max}), open.rss_high_water, close.rss_high_water);

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

  for (size_t i = 0; i < open.targets.size() && i < agg.targets.size() && i < close.targets.size(); ++i)
    s.targets.push_back(finish_target(open.targets[i], agg.targets[i], close.targets[i], open.gpu, close.gpu,
                                      close.gpu_backend_present, close.gpu_device_count));

  s.sample_count = agg.ticks;
  s.effective_interval_ms = agg.ticks >= 2
                                ? double(agg.last_tick_ns - agg.first_tick_ns) / double(agg.ticks - 1) / 1e6
                                : double(close.configured_interval_ns) / 1e6;
  return s;
}

}  // namespace llmmon
