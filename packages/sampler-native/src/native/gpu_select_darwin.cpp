// GPU backend selection on macOS. The IOKit/Metal backend plugs in here, tried before `none`.
#include "gpu.h"

namespace llmmon {

std::unique_ptr<GpuBackend> make_gpu_backend() {
  return make_none_gpu_backend("no GPU backend for macOS in this build (the IOKit/Metal backend is not implemented yet)");
}

}  // namespace llmmon
