// GPU backends: one file per vendor API behind this interface (nvtop's shape).
//
// This build ships `none` (gpu_none.cpp). NVML (libnvidia-ml loaded with dlopen, no build-time
// dependency), DRM fdinfo (other Linux GPUs) and IOKit (Apple) plug in here: each implements
// GpuBackend, and make_gpu_backend() picks the first one whose init() succeeds.
//
// Every metric carries a validity flag (std::optional): a counter a device does not report stays
// empty, and is shown as null with the backend's reason, never as 0.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace llmmon {

struct GpuReading {
  std::optional<double> util_percent;    // busy time of the busiest engine over the last period
  std::optional<uint64_t> memory_bytes;  // device memory used by this process (or all, see backend)
};

class GpuBackend {
 public:
  virtual ~GpuBackend() = default;
  // "none", "nvml", "drm", "iokit" (the run record's sampler.gpu_backend).
  virtual const char* name() const = 0;
  // Why util/memory are not available ("" when they are).
  virtual std::string util_reason() const = 0;
  virtual std::string memory_reason() const = 0;
  // Reads the counters. Called from the sampling thread on the slow loop only (GPU counters
  // update at 1-10 Hz); may block for a few ms.
  virtual GpuReading read() = 0;
};

// Picks the backend for this machine. Never returns null.
std::unique_ptr<GpuBackend> make_gpu_backend();

}  // namespace llmmon
