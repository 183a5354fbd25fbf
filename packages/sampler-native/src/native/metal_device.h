// This process's Metal device (metal_device.mm, macOS only): the GPU memory the process holds
// through Metal, for the `iokit` backend's gpu_process_memory.
//
// MTLCreateSystemDefaultDevice() returns the process's shared device object (llama.cpp's
// ggml-metal, PyTorch's mps and MLX allocate through the same one), so its
// currentAllocatedSize is every Metal allocation of this process on that GPU. Opening it loads
// Metal and opens a GPU connection (a user client) for this process: the backend does it once,
// at its creation. No other process's figure is readable this way.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace llmmon::apple {

class MetalDevice {
 public:
  // Null with `why_not` set when this machine has no Metal device.
  static std::unique_ptr<MetalDevice> open(std::string& why_not);
  ~MetalDevice();
  MetalDevice(const MetalDevice&) = delete;
  MetalDevice& operator=(const MetalDevice&) = delete;

  uint64_t registry_id() const { return registry_id_; }  // the IOAccelerator's registry entry id
  const std::string& name() const { return name_; }
  // -[MTLDevice currentAllocatedSize]: bytes of every resource this process allocated on the
  // device. Thread-safe (a property read).
  uint64_t allocated_bytes() const;

 private:
  explicit MetalDevice(void* device);
  void* device_;  // id<MTLDevice>, retained
  uint64_t registry_id_ = 0;
  std::string name_;
};

}  // namespace llmmon::apple
