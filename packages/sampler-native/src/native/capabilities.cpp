#include "capabilities.h"

#include <algorithm>
#include <cmath>

#include "target.h"

namespace llmmon {

namespace {

double ms(int64_t ns) { return double(ns) / 1e6; }

// Scope and resolution of the platform's counters, from the loop that reads each.
void describe_platform(const SamplerConfig& c, CounterDescription& d) {
  const std::string& n = d.name;
  if (n == "rss") d.resolution_ms = ms(c.interval_ns);
  if (n == "process_cpu" || n == "footprint" || n == "thread_cpu") d.resolution_ms = ms(c.thread_interval_ns);
  if (n == "thread_names") d.resolution_ms = ms(c.rescan_interval_ns);
  if (n == "system_cpu" || n == "system_memory") d.resolution_ms = ms(c.system_interval_ns);
  d.scope = n.rfind("thread_", 0) == 0 ? "thread" : n.rfind("system_", 0) == 0 ? "machine" : "process";
}

}  // namespace

std::vector<CounterDescription> describe_counters(const SamplerConfig& config, ProcessProbe& probe,
                                                  const GpuBackend& gpu, const EnergySource& energy) {
  std::vector<CounterDescription> out;
  for (const Counter& c : probe.counters()) {
    CounterDescription d{c.name, c.available, c.source, c.reason, "", std::nullopt};
    describe_platform(config, d);
    out.push_back(std::move(d));
  }
  // Attached processes (target.h): what the platform can read of another process, whatever the
  // process; each window's target entry says what it could read of that one.
  for (const Counter& c : TargetProbe::counters()) {
    CounterDescription d{c.name, c.available, c.source, c.reason, "target", std::nullopt};
    if (c.name == "target_rss") d.resolution_ms = ms(config.interval_ns);
    if (c.name == "target_cpu" || c.name == "target_thread_cpu") d.resolution_ms = ms(config.thread_interval_ns);
    if (c.name == "target_thread_names") d.resolution_ms = ms(config.rescan_interval_ns);
    out.push_back(std::move(d));
  }
  for (const GpuCounterInfo& c : gpu.counters()) {
    CounterDescription d{c.name, c.available, c.source, c.reason, is_process_counter(c.name) ? "process" : "device",
                         std::nullopt};
    // Energy and engine time are cumulative: windows read them at open and close.
    if (c.name != "gpu_energy" && c.name != "gpu_process_busy")
      d.resolution_ms = std::isnan(c.native_period_ms) ? ms(config.gpu_interval_ns)
                                                       : std::max(c.native_period_ms, ms(config.gpu_interval_ns));
    out.push_back(std::move(d));
  }
  CounterDescription cpu{"cpu_energy", false, "", "", "package", std::nullopt};
  cpu.reason = std::string("no CPU energy counter on this platform (energy source '") + energy.name() + "')";
  for (const EnergyChannelInfo& ch : energy.channels()) {
    if (ch.name != "cpu") continue;
    cpu = {"cpu_energy", ch.available, ch.source, ch.reason, ch.scope, std::nullopt};
  }
  out.push_back(std::move(cpu));
  return out;
}

}  // namespace llmmon
