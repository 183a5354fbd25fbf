// What GPU readings mean for one process: the figures windows and the timeline keep.
// Portable arithmetic over GpuReading / GpuCounters (no I/O), tested on Linux with every
// backend's shapes.
//
// Which devices a figure covers: the devices the process uses (it appears in the backend's
// per-process readings), or every device when it uses none or the backend cannot tell (the
// sample says which). Device-wide figures (utilisation, memory in use, power, energy) add up over
// the covered devices: 100 % = one device fully busy, as 100 % CPU is one core.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "gpu.h"

namespace llmmon {

constexpr uint32_t kGpuMaskBits = 64;  // devices past 63 are not covered by masks
inline uint64_t gpu_bit(uint32_t device) { return device < kGpuMaskBits ? (uint64_t(1) << device) : 0; }

struct GpuSample {
  uint64_t device_mask = 0;   // devices covered (bit i = device i)
  bool process_seen = false;  // the process appears on at least one device
  std::optional<double> util_percent;          // device utilisation, summed over the covered devices
  // The process's utilisation: from engine-time deltas since the previous reading (busiest
  // engine over the interval, at most 100 % per device), or the API's newest per-process sample
  // (NVML updates them every 1/6-1 s, so most readings bring none: the last one known stays
  // here, and process_util_new says whether this reading brought it). Windows average only
  // new values, so each sample counts once.
  std::optional<double> process_util_percent;
  bool process_util_new = false;
  // The process's GPU memory, summed over devices; 0 when the backend listed every device's
  // processes and this one holds none.
  std::optional<uint64_t> process_memory_bytes;
  std::optional<uint64_t> device_memory_bytes;   // memory in use on the covered devices
  std::optional<double> power_watts;             // summed over the covered devices
  std::optional<bool> throttled;                 // any covered device throttled; empty: none reports
};

// Keeps what it needs of the previous reading (engine times, sample stamps) to turn each new
// reading into a GpuSample for one pid. One per (sampler, pid); not thread-safe.
class GpuTracker {
 public:
  explicit GpuTracker(Pid pid) : pid_(pid) {}
  GpuSample update(const GpuReading& reading, int64_t t_ns);

 private:
  struct Previous {
    uint32_t device;
    std::vector<GpuEngineBusy> engines;
    std::optional<uint64_t> util_sample_us;
    std::optional<double> util_percent;  // the newest API sample's value
  };
  Pid pid_;
  int64_t prev_t_ns_ = 0;
  bool have_prev_ = false;
  std::vector<Previous> prev_;
};

// Busy time of the busiest engine between two readings of one process on one device, in
// engine-group seconds (an engine group of capacity N counts busy_ns / N), at most `wall_ns`:
// the kernel documents that engine counters may lag and then catch up, which would read as
// more than 100 %. Engines absent from `from` count from 0 (a client that appeared in between).
double busiest_engine_seconds(const std::vector<GpuEngineBusy>& from, const std::vector<GpuEngineBusy>& to,
                              int64_t wall_ns);

// The process's engine time over a window: busiest_engine_seconds per device, summed over the
// devices in `mask`. Empty when neither end has engine counters for the pid.
std::optional<double> process_busy_seconds(const GpuCounters& open, const GpuCounters& close, Pid pid, uint64_t mask,
                                           int64_t wall_ns);

// Device energy over a window, summed over the devices in `mask`, in joules. Empty when a
// covered device lacks the counter at either end.
std::optional<double> device_energy_joules(const GpuCounters& open, const GpuCounters& close, uint64_t mask);

}  // namespace llmmon
