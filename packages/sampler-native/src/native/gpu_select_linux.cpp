// GPU backend selection on Linux: NVML, then DRM fdinfo, then `none` with both reasons.
#include "gpu.h"

namespace llmmon {

std::unique_ptr<GpuBackend> make_gpu_backend() {
  return make_none_gpu_backend(
      "no GPU found: NVML: the backend is not implemented yet; DRM: the fdinfo backend is not implemented yet");
}

}  // namespace llmmon
