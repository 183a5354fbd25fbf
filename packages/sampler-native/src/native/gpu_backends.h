// Factories of the GPU backends, for gpu_select_<platform>.cpp. Each returns null and sets
// `why_not` (one line naming what is missing) when its API is absent on this machine.
#pragma once

#include <memory>
#include <string>

#include "gpu.h"

namespace llmmon {

// Where the backends look; overridable so tests can point them at scripted stand-ins.
struct GpuPaths {
  std::string nvml_library;  // LLMMON_NVML_PATH; empty: libnvidia-ml.so.1 from the loader's path
  std::string proc_root;     // LLMMON_PROC_ROOT, default /proc
  std::string sys_root;      // LLMMON_SYS_ROOT, default /sys
};

// Reads the LLMMON_* overrides (empty or unset: the default).
GpuPaths gpu_paths_from_env();

std::unique_ptr<GpuBackend> make_nvml_backend(const GpuPaths& paths, std::string& why_not);
std::unique_ptr<GpuBackend> make_drm_backend(const GpuPaths& paths, std::string& why_not);

}  // namespace llmmon
