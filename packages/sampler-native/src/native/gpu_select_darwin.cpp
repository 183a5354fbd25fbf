// GPU backend selection on macOS: the IOKit/Metal backend (gpu_iokit.cpp), else `none` with its
// reason.
#include "gpu.h"

namespace llmmon {

std::unique_ptr<GpuBackend> make_iokit_backend(std::string& why_not);  // gpu_iokit.cpp

std::unique_ptr<GpuBackend> make_gpu_backend() {
  std::string why_not;
  if (std::unique_ptr<GpuBackend> iokit = make_iokit_backend(why_not)) return iokit;
  return make_none_gpu_backend("iokit: " + why_not);
}

}  // namespace llmmon
