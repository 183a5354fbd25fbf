// What one GPU reading means for one process: the figures windows and the timeline keep.
// Portable arithmetic over GpuReading (no I/O), tested on Linux for every backend's shapes.
#pragma once

#include <cstdint>
#include <optional>

#include "gpu.h"

namespace llmmon {

struct GpuSample {
  // Devices the figures cover: those the process uses, or every device when the backend cannot
  // tell or the process uses none (bit i = device i; devices past 63 are not covered).
  uint64_t device_mask = 0;
  std::optional<double> util_percent;     // device utilisation, summed over the covered devices
  std::optional<uint64_t> memory_bytes;   // the process's GPU memory, else the covered devices' in use
  bool memory_is_process = false;
};

GpuSample summarize_gpu(const GpuReading& reading, Pid pid);

}  // namespace llmmon
