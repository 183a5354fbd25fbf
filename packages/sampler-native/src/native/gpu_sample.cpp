#include "gpu_sample.h"

namespace llmmon {

namespace {

constexpr uint32_t kMaskBits = 64;

uint64_t bit(uint32_t device) { return device < kMaskBits ? (uint64_t(1) << device) : 0; }

}  // namespace

GpuSample summarize_gpu(const GpuReading& reading, Pid pid) {
  GpuSample s;
  std::optional<uint64_t> process_memory;
  for (const GpuProcessReading& p : reading.processes) {
    if (p.pid != pid) continue;
    s.device_mask |= bit(p.device);
    if (p.memory_bytes) process_memory = process_memory.value_or(0) + *p.memory_bytes;
  }
  if (s.device_mask == 0)
    for (uint32_t i = 0; i < reading.devices.size(); ++i) s.device_mask |= bit(i);
  std::optional<uint64_t> device_memory;
  for (uint32_t i = 0; i < reading.devices.size() && i < kMaskBits; ++i) {
    if ((s.device_mask & bit(i)) == 0) continue;
    const GpuDeviceReading& d = reading.devices[i];
    if (d.util_percent) s.util_percent = s.util_percent.value_or(0) + *d.util_percent;
    if (d.memory_used_bytes) device_memory = device_memory.value_or(0) + *d.memory_used_bytes;
  }
  s.memory_is_process = process_memory.has_value();
  s.memory_bytes = process_memory ? process_memory : device_memory;
  return s;
}

}  // namespace llmmon
