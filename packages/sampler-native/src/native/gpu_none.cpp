// The `none` GPU backend: reports no GPU counters, with the reason.
#include "gpu.h"

namespace llmmon {
namespace {

const char* const kNoBackend =
    "no GPU backend in this build (gpu backend 'none'; NVML, DRM fdinfo and IOKit backends are not "
    "implemented yet)";

class NoneBackend final : public GpuBackend {
 public:
  const char* name() const override { return "none"; }
  std::string util_reason() const override { return kNoBackend; }
  std::string memory_reason() const override { return kNoBackend; }
  GpuReading read() override { return {}; }
};

}  // namespace

std::unique_ptr<GpuBackend> make_gpu_backend() { return std::make_unique<NoneBackend>(); }

}  // namespace llmmon
