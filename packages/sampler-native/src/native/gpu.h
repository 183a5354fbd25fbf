// GPU backends: one file per vendor API behind this interface (nvtop's shape).
//
//   gpu_none.cpp    no counters; says why (the only backend where nothing else loads)
//   gpu_nvml.cpp    NVIDIA, libnvidia-ml loaded with dlopen at run time (no build-time dependency)
//   gpu_drm.cpp     other Linux GPUs: DRM fdinfo usage stats (amdgpu, i915, xe, ...) and sysfs
//   (macOS)         Apple: IOKit / Metal / per-task counters
// gpu_select_<platform>.cpp tries them in order and keeps the first whose factory succeeds,
// collecting every failed backend's reason for the `none` backend.
//
// Rules every backend keeps (the sampler relies on each):
//  - Validity. Every value is a std::optional: empty means "not read", never 0. Why a value is
//    missing is told once per counter by counters() (available + reason), so a reading carries
//    no strings. A counter the API refuses (NVML_ERROR_NOT_SUPPORTED, NO_PERMISSION, a missing
//    symbol, an unreadable file) makes that counter unavailable with the API's reason; the
//    backend never crashes on it and never substitutes 0.
//  - Units. Bytes, watts, microjoules, nanoseconds, MHz, degrees Celsius, percent (0-100 of one
//    device or one engine group). Cumulative counters (energy_uj, GpuEngineBusy::busy_ns) are
//    monotone for the backend's life: the backend extends wrap-arounds and holds the larger value
//    when a driver reports a smaller one (the DRM usage-stats rule), so the sampler may subtract
//    any two readings.
//  - Scope. GpuDeviceReading is device-wide: every process on the device shares it, and so do
//    concurrent windows (a window's energy is the device's energy over the window, whoever used
//    it). GpuProcessReading is one process on one device; a process absent from the readings of
//    a backend that reports processes (counters() says gpu_process_* is available) does not use
//    that device. Pids are the kernel's pids as this process sees them.
//  - Threads. Every method may be called from the sampler's GPU thread (read) and from the
//    owning JS thread (read_counters at window open/close, counters, devices) at the same time;
//    backends guard their own state with their own lock. Callers never hold Sampler::mu_ while
//    calling in: a call may take milliseconds (NVML ioctls, procfs walks).
//  - Cost. read() runs on the GPU loop (default every 100 ms, 10 ms at most often) and may walk
//    /proc or query every device. read_counters() runs at every window open and close: it reads
//    only the cumulative counters (energy, engine time), from handles or files found by read().
//  - devices() is fixed after the factory returns: indices are positions in it, and every
//    reading's `device` refers to them.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmmon {

// A process id as the kernel names it (Linux pid, macOS pid).
using Pid = int64_t;

// Static facts about one device (the run header's host.gpus).
struct GpuDeviceInfo {
  uint32_t index = 0;        // position in GpuBackend::devices()
  std::string id;            // stable identity: PCI bus id "0000:01:00.0" (NVML, DRM), registry id (Apple)
  std::string name;          // as the driver reports it ("NVIDIA H100 80GB HBM3", "Apple M2 Pro")
  std::string vendor;        // "nvidia", "amd", "intel", "apple"; empty: unknown
  std::optional<uint64_t> memory_total_bytes;
  std::string driver_version;  // empty: unknown
  std::optional<uint32_t> core_count;  // CUDA cores / Apple GPU cores, where the API says
};

// Why clocks were held down (GpuDeviceReading::throttle). 0 = running unthrottled.
// Idle, application-clock and sync-boost limits are not throttling and are never reported.
enum GpuThrottle : uint32_t {
  kGpuThrottlePower = 1u << 0,     // power cap or power brake (NVML SwPowerCap, HwPowerBrakeSlowdown)
  kGpuThrottleThermal = 1u << 1,   // thermal slowdown (NVML Sw/HwThermalSlowdown; Apple thermal pressure)
  kGpuThrottleHardware = 1u << 2,  // hardware slowdown of unspecified cause (NVML HwSlowdown)
};

// One device at one moment (GpuBackend::read). Device-wide values.
struct GpuDeviceReading {
  std::optional<double> util_percent;         // busy share over the API's own sample period
  std::optional<double> memory_util_percent;  // memory-controller busy share (NVML)
  std::optional<uint64_t> memory_used_bytes;  // device memory in use by every process
  std::optional<double> power_watts;          // as the API reports it (often a 1 s average)
  std::optional<uint64_t> energy_uj;          // cumulative, monotone (see the rules above)
  std::optional<uint32_t> sm_clock_mhz;       // shader / SM clock
  std::optional<double> temperature_c;
  std::optional<uint32_t> throttle;           // GpuThrottle bits
};

// Cumulative busy time of one engine (class) for one process on one device. `capacity` is the
// number of identical engines the counter covers (DRM drm-engine-capacity-*): busy_ns may grow
// up to capacity x wall time. Backends that count cycles (drm-cycles-*) convert to ns.
struct GpuEngineBusy {
  std::string name;  // "gfx", "render", "compute", "rcs", "gpu", ...
  uint64_t busy_ns = 0;
  uint32_t capacity = 1;
};

// One process on one device (GpuBackend::read).
struct GpuProcessReading {
  Pid pid = 0;
  uint32_t device = 0;
  std::optional<uint64_t> memory_bytes;  // device memory this process holds
  // A utilisation the API itself reports per process (NVML process samples), with the API's
  // sample time (microseconds, API clock). Engine-counter backends leave these empty: the
  // sampler derives utilisation from `engines` deltas instead.
  std::optional<double> util_percent;
  std::optional<double> memory_util_percent;
  std::optional<uint64_t> util_sample_us;
  std::vector<GpuEngineBusy> engines;  // cumulative engine time, where the API has it
};

// A requested pid whose figures could not be read (gone, another user's, ptrace rules).
struct GpuProcessProblem {
  Pid pid = 0;
  std::string reason;
};

// Everything read() returns.
struct GpuReading {
  std::vector<GpuDeviceReading> devices;  // one per devices() entry, same order
  std::vector<GpuProcessReading> processes;  // only for requested pids, only devices they use
  std::vector<GpuProcessProblem> problems;
  // True when this reading listed every device's per-process memory: then a requested pid that
  // is neither in `processes` nor in `problems` holds no GPU memory (0, not unknown).
  bool process_memory_listed = false;
};

// The cheap cumulative counters (GpuBackend::read_counters): what a window differences
// between open and close.
struct GpuProcessCounters {
  Pid pid = 0;
  uint32_t device = 0;
  std::vector<GpuEngineBusy> engines;
};
struct GpuCounters {
  std::vector<std::optional<uint64_t>> energy_uj;  // by device index
  std::vector<GpuProcessCounters> processes;
};

// Availability of one counter (capabilities()). Names (kGpuCounterNames):
//   device-wide: gpu_util, gpu_memory_util, gpu_memory, gpu_power, gpu_energy, gpu_clock,
//                gpu_temperature, gpu_throttle
//   per process: gpu_process_memory, gpu_process_util, gpu_process_busy
struct GpuCounterInfo {
  std::string name;
  bool available = false;
  std::string source;  // API function or file the value comes from
  std::string reason;  // why not available; empty when available
  // How often the underlying value changes or the window it averages over, in ms, as the API
  // documents it (NVML utilisation 166.7-1000, power 1000 on recent GPUs); NaN: not stated.
  // The sampler reports max(this, its GPU interval) as the counter's effective resolution.
  double native_period_ms = std::numeric_limits<double>::quiet_NaN();
};

inline constexpr const char* kGpuCounterNames[] = {
    "gpu_util",        "gpu_memory_util",    "gpu_memory",       "gpu_power",
    "gpu_energy",      "gpu_clock",          "gpu_temperature",  "gpu_throttle",
    "gpu_process_memory", "gpu_process_util", "gpu_process_busy",
};
inline bool is_process_counter(const std::string& name) { return name.rfind("gpu_process_", 0) == 0; }

class GpuBackend {
 public:
  virtual ~GpuBackend() = default;
  // "none", "nvml", "drm", "iokit" (the run record's sampler.gpu_backend).
  virtual const char* name() const = 0;
  // Every device the backend found, fixed for its life (see the rules above).
  virtual const std::vector<GpuDeviceInfo>& devices() const = 0;
  // One entry per name in kGpuCounterNames, in that order.
  virtual std::vector<GpuCounterInfo> counters() const = 0;
  // Every device's dynamic values, and per-process values for `pids` (GPU loop).
  virtual void read(const std::vector<Pid>& pids, GpuReading& out) = 0;
  // Cumulative counters only: device energy and, for `pids`, engine time (window open/close).
  virtual void read_counters(const std::vector<Pid>& pids, GpuCounters& out) = 0;
};

// Picks this machine's backend (gpu_select_<platform>.cpp). Never returns null: when no API is
// present it returns `none`, whose counters carry every backend's reason.
std::unique_ptr<GpuBackend> make_gpu_backend();

// The `none` backend (gpu_none.cpp): every counter unavailable with `reason`.
std::unique_ptr<GpuBackend> make_none_gpu_backend(std::string reason);

}  // namespace llmmon
