// The `none` GPU backend: no devices, every counter unavailable with the reason it was chosen
// (each real backend's own reason for not loading, joined by gpu_select_<platform>.cpp).
#include "gpu.h"

namespace llmmon {
namespace {

class NoneBackend final : public GpuBackend {
 public:
  explicit NoneBackend(std::string reason) : reason_(std::move(reason)) {}
  const char* name() const override { return "none"; }
  const std::vector<GpuDeviceInfo>& devices() const override { return devices_; }
  std::vector<GpuCounterInfo> counters() const override {
    std::vector<GpuCounterInfo> out;
    for (const char* n : kGpuCounterNames) {
      GpuCounterInfo c;
      c.name = n;
      c.reason = reason_;
      out.push_back(std::move(c));
    }
    return out;
  }
  void read(const std::vector<Pid>&, GpuReading& out) override { out = GpuReading(); }
  void read_counters(const std::vector<Pid>&, GpuCounters& out) override { out = GpuCounters(); }

 private:
  const std::string reason_;
  const std::vector<GpuDeviceInfo> devices_;
};

}  // namespace

std::unique_ptr<GpuBackend> make_none_gpu_backend(std::string reason) {
  return std::make_unique<NoneBackend>(std::move(reason));
}

}  // namespace llmmon
