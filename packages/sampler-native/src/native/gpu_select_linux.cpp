// GPU backend selection on Linux: NVML (NVIDIA), then DRM fdinfo (amdgpu, i915, xe, ...), then
// `none` carrying both reasons.
#include <cstdlib>

#include "gpu_backends.h"

namespace llmmon {

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

GpuPaths gpu_paths_from_env() {
  GpuPaths p;
  p.nvml_library = env_or("LLMMON_NVML_PATH", "");
  p.proc_root = env_or("LLMMON_PROC_ROOT", "/proc");
  p.sys_root = env_or("LLMMON_SYS_ROOT", "/sys");
  return p;
}

std::unique_ptr<GpuBackend> make_gpu_backend() {
  const GpuPaths paths = gpu_paths_from_env();
  std::string nvml_why, drm_why;
  if (auto nvml = make_nvml_backend(paths, nvml_why)) return nvml;
  if (auto drm = make_drm_backend(paths, drm_why)) return drm;
  return make_none_gpu_backend("no GPU found: " + nvml_why + "; " + drm_why);
}

}  // namespace llmmon
