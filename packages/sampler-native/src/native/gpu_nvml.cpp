// NVIDIA GPUs through NVML, loaded with dlopen at run time: no build-time dependency, no CUDA
// toolkit. LLMMON_NVML_PATH names the library to load instead of libnvidia-ml.so.1.
//
// Rules this file keeps:
//  - Only the NVML functions below are called, each through a pointer resolved by name. Where
//    NVML has versioned symbols the newest known one is tried first, then the older ones, each
//    with the struct layout of its own version. A missing symbol makes its counter unavailable
//    ("<library> has no <function>"), never a crash.
//  - Every call's return code is kept per device; a counter is available while it succeeds on
//    at least one device, else its reason is the code NVML returned (NOT_SUPPORTED,
//    NO_PERMISSION, ...). A failed call leaves its value empty, never 0.
//  - NVML reports processes by their pid in the host's pid namespace. Inside another pid
//    namespace (a container) those pids cannot be matched to ours: the per-process counters are
//    then unavailable with that reason instead of reading "this process uses nothing".
//  - Locks: read_mu_ serializes read() (its buffers, the process-utilisation timestamps);
//    energy_mu_ is held around each energy call and its MonotoneCounter update, so that
//    read_counters() (window open/close, owner thread) never waits behind a whole read(), and
//    readings from the two threads are applied in the order they were taken. status_mu_ guards
//    the return codes. No two of them are held together.
// Struct layouts and constants were checked against NVIDIA's nvml.h (NVML API 12).
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "counter_math.h"
#include "gpu_backends.h"

namespace llmmon {
namespace {

// ---- NVML ABI (the subset used here) ----
using nvmlReturn = int;
using nvmlDevice = void*;
constexpr nvmlReturn kSuccess = 0;
constexpr nvmlReturn kNotSupported = 3;
constexpr nvmlReturn kNoPermission = 4;
constexpr nvmlReturn kNotFound = 6;
constexpr nvmlReturn kInsufficientSize = 7;
constexpr nvmlReturn kSymbolMissing = -1;  // ours: the library lacks the function
constexpr nvmlReturn kNotCalled = -2;      // ours: skipped (e.g. in a pid namespace)
constexpr unsigned kClockSm = 1;           // NVML_CLOCK_SM
constexpr unsigned kTemperatureGpu = 0;    // NVML_TEMPERATURE_GPU
constexpr unsigned long long kValueNotAvailable = ~0ULL;  // NVML_VALUE_NOT_AVAILABLE
// nvmlClocksEventReason* bits
constexpr unsigned long long kReasonSwPowerCap = 0x4, kReasonHwSlowdown = 0x8, kReasonSwThermal = 0x20,
                             kReasonHwThermal = 0x40, kReasonHwPowerBrake = 0x80;
constexpr uint64_t kInitPidNamespaceInode = 0xEFFFFFFCu;  // PROC_PID_INIT_INO

struct Memory { unsigned long long total, free, used; };  // nvmlMemory_t (v1)
struct Utilization { unsigned gpu, memory; };              // nvmlUtilization_t
struct ProcessInfoV1 { unsigned pid; unsigned long long used_gpu_memory; };
struct ProcessInfoV2 {  // nvmlProcessInfo_v2_t, also what the _v3 functions fill
  unsigned pid;
  unsigned long long used_gpu_memory;
  unsigned gpu_instance_id, compute_instance_id;
};
struct ProcessUtilizationSample {  // nvmlProcessUtilizationSample_t
  unsigned pid;
  unsigned long long time_stamp;  // CPU time stamp, microseconds
  unsigned sm_util, mem_util, enc_util, dec_util;
};
struct PciInfoV3 {  // nvmlPciInfo_t as nvmlDeviceGetPciInfo_v3 fills it
  char bus_id_legacy[16];
  unsigned domain, bus, device, pci_device_id, pci_subsystem_id;
  char bus_id[32];
};
static_assert(sizeof(ProcessInfoV1) == 16 && sizeof(ProcessInfoV2) == 24, "NVML process info layout");
static_assert(sizeof(ProcessUtilizationSample) == 32 && sizeof(PciInfoV3) == 68, "NVML struct layout");

const char* return_name(nvmlReturn rc) {
  switch (rc) {
    case 1: return "NVML_ERROR_UNINITIALIZED";
    case 2: return "NVML_ERROR_INVALID_ARGUMENT";
    case kNotSupported: return "NVML_ERROR_NOT_SUPPORTED (the device does not report it)";
    case kNoPermission: return "NVML_ERROR_NO_PERMISSION (this user may not read it)";
    case kNotFound: return "NVML_ERROR_NOT_FOUND";
    case kInsufficientSize: return "NVML_ERROR_INSUFFICIENT_SIZE";
    case 9: return "NVML_ERROR_DRIVER_NOT_LOADED";
    case 12: return "NVML_ERROR_LIBRARY_NOT_FOUND";
    case 13: return "NVML_ERROR_FUNCTION_NOT_FOUND";
    case 15: return "NVML_ERROR_GPU_IS_LOST";
    case 17: return "NVML_ERROR_OPERATING_SYSTEM (blocked by the OS or cgroups)";
    case 18: return "NVML_ERROR_LIB_RM_VERSION_MISMATCH (driver and library versions differ)";
    case 999: return "NVML_ERROR_UNKNOWN";
    default: return nullptr;
  }
}

std::string describe(nvmlReturn rc) {
  const char* n = return_name(rc);
  return n ? n : "NVML error " + std::to_string(rc);
}

// The counters, in kGpuCounterNames order.
enum Counter { kUtil, kMemUtil, kMemory, kPower, kEnergy, kClock, kTemp, kThrottle, kProcMemory, kProcUtil, kProcBusy, kCount };
static_assert(kCount == sizeof(kGpuCounterNames) / sizeof(kGpuCounterNames[0]), "one status per counter");

bool in_child_pid_namespace() {
  char link[64];
  const ssize_t n = ::readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
  if (n <= 0) return false;
  link[n] = '\0';
  unsigned long long inode = 0;
  return std::sscanf(link, "pid:[%llu]", &inode) == 1 && inode != kInitPidNamespaceInode;
}

class Nvml {
 public:
  // Resolves the first of `names` the library has; records which one in `found`.
  template <class Fn>
  bool resolve(std::initializer_list<const char*> names, Fn& fn, std::string& found) {
    for (const char* n : names) {
      if (void* p = ::dlsym(lib, n)) {
        fn = reinterpret_cast<Fn>(p);
        found = n;
        return true;
      }
    }
    fn = nullptr;
    found = *names.begin();
    return false;
  }

  void* lib = nullptr;
  std::string path;
  nvmlReturn (*init)() = nullptr;
  nvmlReturn (*shutdown)() = nullptr;
  nvmlReturn (*count)(unsigned*) = nullptr;
  nvmlReturn (*handle)(unsigned, nvmlDevice*) = nullptr;
  nvmlReturn (*driver_version)(char*, unsigned) = nullptr;
  nvmlReturn (*name)(nvmlDevice, char*, unsigned) = nullptr;
  nvmlReturn (*pci)(nvmlDevice, PciInfoV3*) = nullptr;
  nvmlReturn (*cores)(nvmlDevice, unsigned*) = nullptr;
  nvmlReturn (*memory)(nvmlDevice, Memory*) = nullptr;
  nvmlReturn (*utilization)(nvmlDevice, Utilization*) = nullptr;
  nvmlReturn (*power)(nvmlDevice, unsigned*) = nullptr;
  nvmlReturn (*energy)(nvmlDevice, unsigned long long*) = nullptr;
  nvmlReturn (*clock)(nvmlDevice, unsigned, unsigned*) = nullptr;
  nvmlReturn (*temperature)(nvmlDevice, unsigned, unsigned*) = nullptr;
  nvmlReturn (*throttle)(nvmlDevice, unsigned long long*) = nullptr;
  // Process lists: the _v3/_v2 functions fill ProcessInfoV2, the unversioned one ProcessInfoV1.
  nvmlReturn (*compute_v2)(nvmlDevice, unsigned*, ProcessInfoV2*) = nullptr;
  nvmlReturn (*compute_v1)(nvmlDevice, unsigned*, ProcessInfoV1*) = nullptr;
  nvmlReturn (*graphics_v2)(nvmlDevice, unsigned*, ProcessInfoV2*) = nullptr;
  nvmlReturn (*graphics_v1)(nvmlDevice, unsigned*, ProcessInfoV1*) = nullptr;
  nvmlReturn (*process_util)(nvmlDevice, ProcessUtilizationSample*, unsigned*, unsigned long long) = nullptr;
  std::array<std::string, kCount> source;  // the function each counter uses
};

struct ProcessEntry {
  Pid pid;
  uint64_t memory;  // kValueNotAvailable: unknown
};

class NvmlBackend final : public GpuBackend {
 public:
  NvmlBackend(std::unique_ptr<Nvml> nvml, std::vector<nvmlDevice> handles, std::vector<GpuDeviceInfo> infos,
              bool namespaced)
      : nvml_(std::move(nvml)), handles_(std::move(handles)), devices_(std::move(infos)), namespaced_(namespaced) {
    for (auto& per_device : status_) per_device.assign(handles_.size(), kNotCalled);
    for (size_t i = 0; i < handles_.size(); ++i) energy_.emplace_back(MonotoneCounter::Kind::kResetting);
    last_sample_us_.assign(handles_.size(), 0);
    // One probe of every counter, so that counters() is right before the first read(). It must
    // not consume the driver's process-utilisation samples: the first real read gets them.
    GpuReading r;
    read({::getpid()}, r);
    last_sample_us_.assign(handles_.size(), 0);
  }

  ~NvmlBackend() override {
    if (nvml_->shutdown) nvml_->shutdown();
    // The library stays loaded: NVML may keep threads of its own, and unloading buys nothing.
  }

  const char* name() const override { return "nvml"; }
  const std::vector<GpuDeviceInfo>& devices() const override { return devices_; }

  std::vector<GpuCounterInfo> counters() const override {
    std::vector<GpuCounterInfo> out;
    std::lock_guard<std::mutex> lock(status_mu_);
    for (int c = 0; c < kCount; ++c) {
      GpuCounterInfo info;
      info.name = kGpuCounterNames[c];
      info.source = nvml_->source[size_t(c)];
      const std::vector<nvmlReturn>& rcs = status_[size_t(c)];
      info.available = std::any_of(rcs.begin(), rcs.end(), [](nvmlReturn rc) { return rc == kSuccess; });
      if (!info.available) info.reason = reason(Counter(c), rcs);
      // NVML documents: utilisation sample periods of 1/6 s to 1 s depending on the product
      // (the longest is stated); power "averaged over 1 sec" on Ampere (except GA100) and newer.
      if (c == kUtil || c == kMemUtil || c == kProcUtil) info.native_period_ms = 1000;
      if (c == kPower) info.native_period_ms = 1000;
      out.push_back(std::move(info));
    }
    return out;
  }

  void read(const std::vector<Pid>& pids, GpuReading& out) override {
    std::lock_guard<std::mutex> lock(read_mu_);
    out.devices.assign(handles_.size(), GpuDeviceReading());
    out.processes.clear();
    out.problems.clear();
    out.process_memory_listed = !namespaced_;
    for (size_t i = 0; i < handles_.size(); ++i) {
      read_device(i, out.devices[i]);
      if (namespaced_) {
        for (Counter c : {kProcMemory, kProcUtil}) set_status(c, i, kNotCalled);
      } else {
        out.process_memory_listed = read_processes(i, pids, out.processes) && out.process_memory_listed;
      }
    }
  }

  void read_counters(const std::vector<Pid>&, GpuCounters& out) override {
    out.processes.clear();  // NVML has no per-process engine time
    out.energy_uj.assign(handles_.size(), std::nullopt);
    for (size_t i = 0; i < handles_.size(); ++i) out.energy_uj[i] = read_energy(i);
  }

 private:
  std::string reason(Counter c, const std::vector<nvmlReturn>& rcs) const {
    if (c == kProcBusy) return "NVML has no per-process engine time (it reports per-process utilisation samples: gpu_process_util)";
    if (namespaced_ && (c == kProcMemory || c == kProcUtil))
      return "this process runs in a pid namespace (a container): NVML lists processes by host pid, which cannot be matched to this process";
    if (rcs.empty()) return "no NVIDIA device";
    const nvmlReturn rc = rcs.front();
    if (rc == kSymbolMissing) return nvml_->path + " has no " + nvml_->source[size_t(c)] + " (an older driver)";
    if (rc == kNotCalled) return "not read yet";
    return nvml_->source[size_t(c)] + " returned " + describe(rc) + (rcs.size() > 1 ? " on every device" : "");
  }

  void set_status(Counter c, size_t device, nvmlReturn rc) {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_[size_t(c)][device] = rc;
  }

  // Calls fn when the symbol exists; records the outcome for counter c.
  template <class Call>
  bool call(Counter c, size_t device, bool present, Call&& fn) {
    const nvmlReturn rc = present ? fn() : kSymbolMissing;
    set_status(c, device, rc);
    return rc == kSuccess;
  }

  std::optional<uint64_t> read_energy(size_t i) {
    std::lock_guard<std::mutex> lock(energy_mu_);
    unsigned long long mj = 0;
    if (!call(kEnergy, i, nvml_->energy != nullptr, [&] { return nvml_->energy(handles_[i], &mj); })) return std::nullopt;
    return energy_[i].update(uint64_t(mj) * 1000);
  }

  void read_device(size_t i, GpuDeviceReading& d) {
    const nvmlDevice h = handles_[i];
    Utilization u{};
    const bool util_ok = call(kUtil, i, nvml_->utilization != nullptr, [&] { return nvml_->utilization(h, &u); });
    set_status(kMemUtil, i, status_of(kUtil, i));
    if (util_ok) {
      d.util_percent = double(u.gpu);
      d.memory_util_percent = double(u.memory);
    }
    Memory m{};
    if (call(kMemory, i, nvml_->memory != nullptr, [&] { return nvml_->memory(h, &m); })) d.memory_used_bytes = m.used;
    unsigned mw = 0;
    if (call(kPower, i, nvml_->power != nullptr, [&] { return nvml_->power(h, &mw); })) d.power_watts = double(mw) / 1000.0;
    d.energy_uj = read_energy(i);
    unsigned mhz = 0;
    if (call(kClock, i, nvml_->clock != nullptr, [&] { return nvml_->clock(h, kClockSm, &mhz); })) d.sm_clock_mhz = mhz;
    unsigned celsius = 0;
    if (call(kTemp, i, nvml_->temperature != nullptr, [&] { return nvml_->temperature(h, kTemperatureGpu, &celsius); }))
      d.temperature_c = double(celsius);
    unsigned long long reasons = 0;
    if (call(kThrottle, i, nvml_->throttle != nullptr, [&] { return nvml_->throttle(h, &reasons); })) {
      uint32_t t = 0;
      if (reasons & (kReasonSwPowerCap | kReasonHwPowerBrake)) t |= kGpuThrottlePower;
      if (reasons & (kReasonSwThermal | kReasonHwThermal)) t |= kGpuThrottleThermal;
      if (reasons & kReasonHwSlowdown) t |= kGpuThrottleHardware;
      d.throttle = t;
    }
  }

  nvmlReturn status_of(Counter c, size_t device) {
    std::lock_guard<std::mutex> lock(status_mu_);
    return status_[size_t(c)][device];
  }

  // One process list (compute or graphics), whichever version the library has, into entries_.
  template <class V2, class V1>
  nvmlReturn list(nvmlDevice h, V2 v2, V1 v1) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      unsigned n = unsigned(v2 ? buf_v2_.size() : buf_v1_.size());
      const nvmlReturn rc = v2 ? v2(h, &n, buf_v2_.data()) : v1(h, &n, buf_v1_.data());
      if (rc == kInsufficientSize) {  // n is now the count needed; room for a few more
        buf_v2_.resize(n + 16);
        buf_v1_.resize(n + 16);
        continue;
      }
      if (rc != kSuccess) return rc;
      for (unsigned k = 0; k < n; ++k) {
        if (v2) entries_.push_back({Pid(buf_v2_[k].pid), buf_v2_[k].used_gpu_memory});
        else entries_.push_back({Pid(buf_v1_[k].pid), buf_v1_[k].used_gpu_memory});
      }
      return kSuccess;
    }
    return kInsufficientSize;
  }

  // Returns whether the process lists were read (a pid absent from them holds no memory here).
  bool read_processes(size_t i, const std::vector<Pid>& pids, std::vector<GpuProcessReading>& out) {
    const nvmlDevice h = handles_[i];
    entries_.clear();
    const bool any_list = nvml_->compute_v2 || nvml_->compute_v1 || nvml_->graphics_v2 || nvml_->graphics_v1;
    nvmlReturn rc = kSymbolMissing;
    if (nvml_->compute_v2 || nvml_->compute_v1) rc = list(h, nvml_->compute_v2, nvml_->compute_v1);
    if (nvml_->graphics_v2 || nvml_->graphics_v1) {
      const nvmlReturn g = list(h, nvml_->graphics_v2, nvml_->graphics_v1);
      if (rc != kSuccess) rc = g;  // either list working is enough
    }
    set_status(kProcMemory, i, any_list ? rc : kSymbolMissing);
    const bool lists_ok = rc == kSuccess;

    auto entry = [&](Pid pid) -> GpuProcessReading& {
      for (GpuProcessReading& p : out)
        if (p.pid == pid && p.device == i) return p;
      GpuProcessReading p;
      p.pid = pid;
      p.device = uint32_t(i);
      out.push_back(std::move(p));
      return out.back();
    };
    const std::unordered_set<Pid> wanted(pids.begin(), pids.end());
    if (lists_ok) {
      for (const ProcessEntry& e : entries_) {
        if (wanted.count(e.pid) == 0) continue;
        GpuProcessReading& p = entry(e.pid);
        // A process with compute and graphics contexts is listed twice, with the same memory.
        if (e.memory != kValueNotAvailable) p.memory_bytes = std::max(p.memory_bytes.value_or(0), e.memory);
      }
    }

    nvmlReturn u = kSymbolMissing;
    unsigned n = 0;
    if (nvml_->process_util) {
      for (int attempt = 0; attempt < 2; ++attempt) {
        n = unsigned(samples_.size());
        u = nvml_->process_util(h, samples_.data(), &n, last_sample_us_[i]);
        if (u != kInsufficientSize) break;
        samples_.resize(n + 16);
      }
    }
    // NOT_FOUND: no process had a sample since the last one seen (nothing new, not an error).
    set_status(kProcUtil, i, u == kNotFound ? kSuccess : u);
    if (u != kSuccess) return lists_ok;
    unsigned long long newest = last_sample_us_[i];
    for (unsigned k = 0; k < n; ++k) {
      const ProcessUtilizationSample& s = samples_[k];
      newest = std::max(newest, s.time_stamp);
      if (wanted.count(Pid(s.pid)) == 0) continue;
      GpuProcessReading& p = entry(Pid(s.pid));
      if (p.util_sample_us && *p.util_sample_us >= s.time_stamp) continue;  // keep the newest
      p.util_percent = double(s.sm_util);
      p.memory_util_percent = double(s.mem_util);
      p.util_sample_us = s.time_stamp;
    }
    last_sample_us_[i] = newest;
    return lists_ok;
  }

  const std::unique_ptr<Nvml> nvml_;
  const std::vector<nvmlDevice> handles_;
  const std::vector<GpuDeviceInfo> devices_;
  const bool namespaced_;

  mutable std::mutex status_mu_;
  std::array<std::vector<nvmlReturn>, kCount> status_;  // [counter][device]

  std::mutex energy_mu_;
  std::vector<MonotoneCounter> energy_;

  std::mutex read_mu_;
  std::vector<ProcessInfoV2> buf_v2_ = std::vector<ProcessInfoV2>(64);
  std::vector<ProcessInfoV1> buf_v1_ = std::vector<ProcessInfoV1>(64);
  std::vector<ProcessUtilizationSample> samples_ = std::vector<ProcessUtilizationSample>(64);
  std::vector<ProcessEntry> entries_;
  std::vector<unsigned long long> last_sample_us_;
};

std::string text(const char* buf) { return std::string(buf, strnlen(buf, 96)); }

}  // namespace

std::unique_ptr<GpuBackend> make_nvml_backend(const GpuPaths& paths, std::string& why_not) {
  auto nvml = std::make_unique<Nvml>();
  nvml->path = paths.nvml_library.empty() ? "libnvidia-ml.so.1" : paths.nvml_library;
  ::dlerror();
  nvml->lib = ::dlopen(nvml->path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!nvml->lib) {
    const char* e = ::dlerror();
    why_not = "NVML: " + nvml->path + " could not be loaded (" + (e ? e : "dlopen failed") + ")";
    return nullptr;
  }
  Nvml& n = *nvml;
  std::string found;
  const bool required = n.resolve({"nvmlInit_v2", "nvmlInit"}, n.init, found) &&
                        n.resolve({"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"}, n.count, found) &&
                        n.resolve({"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"}, n.handle, found);
  if (!required) {
    why_not = "NVML: " + n.path + " has no " + found;
    ::dlclose(n.lib);
    return nullptr;
  }
  n.resolve({"nvmlShutdown"}, n.shutdown, found);
  n.resolve({"nvmlSystemGetDriverVersion"}, n.driver_version, found);
  n.resolve({"nvmlDeviceGetName"}, n.name, found);
  n.resolve({"nvmlDeviceGetPciInfo_v3"}, n.pci, found);
  n.resolve({"nvmlDeviceGetNumGpuCores"}, n.cores, found);
  auto& src = n.source;
  n.resolve({"nvmlDeviceGetUtilizationRates"}, n.utilization, src[kUtil]);
  src[kMemUtil] = src[kUtil];
  n.resolve({"nvmlDeviceGetMemoryInfo"}, n.memory, src[kMemory]);
  n.resolve({"nvmlDeviceGetPowerUsage"}, n.power, src[kPower]);
  n.resolve({"nvmlDeviceGetTotalEnergyConsumption"}, n.energy, src[kEnergy]);
  n.resolve({"nvmlDeviceGetClockInfo"}, n.clock, src[kClock]);
  src[kClock] += "(NVML_CLOCK_SM)";
  n.resolve({"nvmlDeviceGetTemperature"}, n.temperature, src[kTemp]);
  n.resolve({"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"}, n.throttle,
            src[kThrottle]);
  std::string compute, graphics;
  if (!n.resolve({"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"}, n.compute_v2,
                 compute))
    n.resolve({"nvmlDeviceGetComputeRunningProcesses"}, n.compute_v1, compute);
  if (!n.resolve({"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2"},
                 n.graphics_v2, graphics))
    n.resolve({"nvmlDeviceGetGraphicsRunningProcesses"}, n.graphics_v1, graphics);
  src[kProcMemory] = compute + " + " + graphics;
  n.resolve({"nvmlDeviceGetProcessUtilization"}, n.process_util, src[kProcUtil]);
  src[kProcBusy] = "";

  const nvmlReturn init = n.init();
  if (init != kSuccess) {
    why_not = "NVML: nvmlInit returned " + describe(init);
    ::dlclose(n.lib);
    return nullptr;
  }
  unsigned count = 0;
  const nvmlReturn c = n.count(&count);
  if (c != kSuccess || count == 0) {
    why_not = c != kSuccess ? "NVML: nvmlDeviceGetCount returned " + describe(c) : "NVML: no NVIDIA device";
    if (n.shutdown) n.shutdown();
    ::dlclose(n.lib);
    return nullptr;
  }
  std::string driver;
  char buf[96] = {};
  if (n.driver_version && n.driver_version(buf, sizeof(buf)) == kSuccess) driver = text(buf);
  std::vector<nvmlDevice> handles;
  std::vector<GpuDeviceInfo> infos;
  for (unsigned i = 0; i < count; ++i) {
    nvmlDevice h = nullptr;
    if (n.handle(i, &h) != kSuccess) continue;  // e.g. a device this cgroup may not open
    GpuDeviceInfo info;
    info.index = uint32_t(handles.size());
    info.vendor = "nvidia";
    info.driver_version = driver;
    std::memset(buf, 0, sizeof(buf));
    info.name = n.name && n.name(h, buf, sizeof(buf)) == kSuccess ? text(buf) : "NVIDIA GPU " + std::to_string(i);
    PciInfoV3 pci{};
    info.id = n.pci && n.pci(h, &pci) == kSuccess ? std::string(pci.bus_id, strnlen(pci.bus_id, sizeof(pci.bus_id)))
                                                  : "nvml:" + std::to_string(i);
    Memory m{};
    if (n.memory && n.memory(h, &m) == kSuccess) info.memory_total_bytes = m.total;
    unsigned cores = 0;
    if (n.cores && n.cores(h, &cores) == kSuccess) info.core_count = cores;
    handles.push_back(h);
    infos.push_back(std::move(info));
  }
  if (handles.empty()) {
    why_not = "NVML: none of the " + std::to_string(count) + " devices could be opened";
    if (n.shutdown) n.shutdown();
    ::dlclose(n.lib);
    return nullptr;
  }
  return std::make_unique<NvmlBackend>(std::move(nvml), std::move(handles), std::move(infos), in_child_pid_namespace());
}

}  // namespace llmmon
