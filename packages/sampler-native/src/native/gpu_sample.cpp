#include "gpu_sample.h"

#include <algorithm>

namespace llmmon {

namespace {

const GpuEngineBusy* find_engine(const std::vector<GpuEngineBusy>& engines, const std::string& name) {
  for (const GpuEngineBusy& e : engines)
    if (e.name == name) return &e;
  return nullptr;
}

const GpuProcessCounters* find_process(const GpuCounters& c, Pid pid, uint32_t device) {
  for (const GpuProcessCounters& p : c.processes)
    if (p.pid == pid && p.device == device) return &p;
  return nullptr;
}

void add(std::optional<double>& sum, double v) { sum = sum.value_or(0) + v; }
void add(std::optional<uint64_t>& sum, uint64_t v) { sum = sum.value_or(0) + v; }

}  // namespace

double busiest_engine_seconds(const std::vector<GpuEngineBusy>& from, const std::vector<GpuEngineBusy>& to,
                              int64_t wall_ns) {
  double busiest = 0;
  for (const GpuEngineBusy& e : to) {
    const GpuEngineBusy* f = find_engine(from, e.name);
    const uint64_t start = f ? f->busy_ns : 0;
    if (e.busy_ns <= start) continue;
    const double seconds = double(e.busy_ns - start) / 1e9 / double(std::max<uint32_t>(1, e.capacity));
    busiest = std::max(busiest, seconds);
  }
  return std::min(busiest, double(std::max<int64_t>(0, wall_ns)) / 1e9);
}

std::optional<double> process_busy_seconds(const GpuCounters& open, const GpuCounters& close, Pid pid, uint64_t mask,
                                           int64_t wall_ns) {
  std::optional<double> total;
  for (const GpuProcessCounters& c : close.processes) {
    if (c.pid != pid || (mask & gpu_bit(c.device)) == 0 || c.engines.empty()) continue;
    const GpuProcessCounters* o = find_process(open, pid, c.device);
    add(total, busiest_engine_seconds(o ? o->engines : std::vector<GpuEngineBusy>(), c.engines, wall_ns));
  }
  return total;
}

std::optional<double> device_energy_joules(const GpuCounters& open, const GpuCounters& close, uint64_t mask) {
  std::optional<double> total;
  const size_t n = std::min(open.energy_uj.size(), close.energy_uj.size());
  for (uint32_t i = 0; i < n && i < kGpuMaskBits; ++i) {
    if ((mask & gpu_bit(i)) == 0) continue;
    const auto& a = open.energy_uj[i];
    const auto& b = close.energy_uj[i];
    if (!a || !b || *b < *a) return std::nullopt;
    add(total, double(*b - *a) / 1e6);
  }
  // A covered device past the shorter list has no counter at one end.
  for (size_t i = n; i < kGpuMaskBits; ++i)
    if (mask & gpu_bit(uint32_t(i))) return std::nullopt;
  return total;
}

GpuSample GpuTracker::update(const GpuReading& reading, int64_t t_ns) {
  GpuSample s;
  const int64_t dt = t_ns - prev_t_ns_;
  for (const GpuProcessReading& p : reading.processes) {
    if (p.pid != pid_) continue;
    s.process_seen = true;
    s.device_mask |= gpu_bit(p.device);
    if (p.memory_bytes) add(s.process_memory_bytes, *p.memory_bytes);
    // The device's previous values persist while the process is absent from readings, so a
    // sample seen before is never counted again and engine time resumes where it was.
    Previous* before = nullptr;
    for (Previous& q : prev_)
      if (q.device == p.device) before = &q;
    if (!p.engines.empty()) {
      // Utilisation over the interval since the previous reading, from engine time.
      if (have_prev_ && dt > 0) {
        add(s.process_util_percent,
            100.0 * busiest_engine_seconds(before ? before->engines : std::vector<GpuEngineBusy>(), p.engines, dt) /
                (double(dt) / 1e9));
        s.process_util_new = true;
      }
    } else if (have_prev_ && p.util_percent && p.util_sample_us &&
               (!before || !before->util_sample_us || *p.util_sample_us > *before->util_sample_us)) {
      // The API's own per-process sample, new since the last one seen. The first reading's
      // samples may be older than the sampler (NVML hands out its whole buffer): not counted.
      s.process_util_new = true;
    }
    if (!before) {
      prev_.push_back({p.device, {}, std::nullopt, std::nullopt});
      before = &prev_.back();
    }
    if (!p.engines.empty()) before->engines = p.engines;
    if (p.util_sample_us && p.util_percent) {
      before->util_sample_us = p.util_sample_us;
      before->util_percent = p.util_percent;
    }
  }
  // API samples: the newest known value of every device the process was seen on.
  for (const Previous& q : prev_)
    if (q.engines.empty() && q.util_percent) add(s.process_util_percent, *q.util_percent);
  const bool problem = std::any_of(reading.problems.begin(), reading.problems.end(),
                                   [this](const GpuProcessProblem& p) { return p.pid == pid_; });
  // Absent from complete lists: holds no GPU memory. (Listed with an unknown amount stays unknown.)
  if (reading.process_memory_listed && !problem && !s.process_seen) s.process_memory_bytes = 0;
  if (s.device_mask == 0)
    for (uint32_t i = 0; i < reading.devices.size(); ++i) s.device_mask |= gpu_bit(i);
  for (uint32_t i = 0; i < reading.devices.size() && i < kGpuMaskBits; ++i) {
    if ((s.device_mask & gpu_bit(i)) == 0) continue;
    const GpuDeviceReading& d = reading.devices[i];
    if (d.util_percent) add(s.util_percent, *d.util_percent);
    if (d.memory_used_bytes) add(s.device_memory_bytes, *d.memory_used_bytes);
    if (d.power_watts) add(s.power_watts, *d.power_watts);
    if (d.throttle) s.throttled = s.throttled.value_or(false) || *d.throttle != 0;
  }
  prev_t_ns_ = t_ns;
  have_prev_ = true;
  return s;
}

}  // namespace llmmon
