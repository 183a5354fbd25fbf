// Placeholder until the DRM fdinfo backend lands.
#include "gpu_backends.h"

namespace llmmon {

std::unique_ptr<GpuBackend> make_drm_backend(const GpuPaths&, std::string& why_not) {
  why_not = "DRM: the fdinfo backend is not implemented yet";
  return nullptr;
}

}  // namespace llmmon
