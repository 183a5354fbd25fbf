// The `iokit` GPU backend (macOS): Apple Silicon, and the Intel/AMD GPUs of Intel Macs, without
// privilege. The reading is thin; what the properties mean is apple_gpu_rules.cpp (tested on
// Linux with listings from real Macs).
//
//   device utilisation, memory in use   the IOAccelerator service's "PerformanceStatistics"
//                                       (what Activity Monitor and `ioreg` show); device-wide
//   device energy                       IOReport "Energy Model" "GPU Energy" (ioreport_darwin.h)
//   throttle                            thermal pressure (thermal_pressure.h), machine-wide
//   per process: GPU time               the accelerator's user clients: children in the service
//                                       plane (not matchable services), each naming its creating
//                                       pid and its accumulated GPU ns; readable for every pid
//                                       of every user. On x86_64 this process's own time comes
//                                       from task_info(TASK_POWER_INFO_V2) instead (below).
//   per process: memory                 this process only: Metal's currentAllocatedSize
//
// Why not task_info(TASK_POWER_INFO_V2).gpu_energy.task_gpu_utilisation on Apple Silicon: XNU
// fills it from ml_gpu_stat(), which returns 0 on arm64 (osfmk/arm/machine_routines_common.c in
// apple-oss-distributions/xnu: GPU time reported by the driver goes to the task's coalition, not
// the task). On x86_64 ml_gpu_stat() returns the thread's driver-reported GPU ns, so there the
// kernel counter is this process's exact figure.
//
// Threads: every method takes mu_ (the ledgers and IOKit handles); IOKit calls are thread-safe.
// Cost: read() walks every user client of every accelerator (~2 ms with ~150 clients on an M3
// Max), read_counters() the same walk, only when per-process figures are asked for.
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <mach/mach.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <mutex>

#include "apple_energy_rules.h"
#include "apple_gpu_rules.h"
#include "darwin_cf.h"
#include "gpu.h"
#include "ioreport_darwin.h"
#include "metal_device.h"
#include "thermal_pressure.h"

namespace llmmon {

std::unique_ptr<GpuBackend> make_iokit_backend(std::string& why_not);

namespace {

using apple::AcceleratorProps;
using apple::CfOwned;

CfOwned property(io_registry_entry_t entry, const char* key) {
  CfOwned k = apple::cf_string(key);
  if (!k) return CfOwned();
  return CfOwned(IORegistryEntryCreateCFProperty(entry, static_cast<CFStringRef>(k.get()), kCFAllocatorDefault, 0));
}

void add_number(const void* key, const void* value, void* context) {
  auto* out = static_cast<std::map<std::string, double>*>(context);
  if (auto d = apple::to_double(static_cast<CFTypeRef>(value))) (*out)[apple::to_string(static_cast<CFTypeRef>(key))] = *d;
}

AcceleratorProps read_accelerator(io_registry_entry_t service, bool statistics_only) {
  AcceleratorProps p;
  if (!statistics_only) {
    io_name_t cls;
    if (IOObjectGetClass(service, cls) == KERN_SUCCESS) p.io_class = cls;
    p.model = apple::to_string(property(service, "model").get());
    p.core_count = apple::to_u64(property(service, "gpu-core-count").get());
  }
  CfOwned stats = property(service, "PerformanceStatistics");
  if (apple::is_type(stats.get(), CFDictionaryGetTypeID())) {
    p.has_statistics = true;
    CFDictionaryApplyFunction(static_cast<CFDictionaryRef>(stats.get()), add_number, &p.statistics);
  }
  return p;
}

apple::UserClientProps read_client(io_registry_entry_t client) {
  apple::UserClientProps c;
  c.creator = apple::to_string(property(client, "IOUserClientCreator").get());
  if (c.creator.empty()) return c;
  CfOwned usage = property(client, "AppUsage");
  if (apple::is_type(usage.get(), CFArrayGetTypeID())) {
    c.has_app_usage = true;
    CFArrayRef list = static_cast<CFArrayRef>(usage.get());
    for (CFIndex i = 0; i < CFArrayGetCount(list); ++i)
      if (auto ns = apple::to_u64(apple::dict_get(CFArrayGetValueAtIndex(list, i), "accumulatedGPUTime")))
        c.app_usage_gpu_ns.push_back(*ns);
  }
  c.direct_gpu_ns = apple::to_u64(property(client, "accumulatedGPUTime").get());
  return c;
}

#if defined(__x86_64__)
// This process's GPU ns as the kernel counts them (see the header comment); empty if refused.
std::optional<uint64_t> own_task_gpu_ns() {
  task_power_info_v2_data_t info{};
  mach_msg_type_number_t count = TASK_POWER_INFO_V2_COUNT;
  if (task_info(mach_task_self(), TASK_POWER_INFO_V2, reinterpret_cast<task_info_t>(&info), &count) != KERN_SUCCESS)
    return std::nullopt;
  return info.gpu_energy.task_gpu_utilisation;
}
constexpr bool kOwnTimeFromTask = true;
#else
constexpr bool kOwnTimeFromTask = false;
#endif

struct Device {
  io_service_t service = IO_OBJECT_NULL;
  uint64_t registry_id = 0;
  bool is_apple = false;
  apple::ClientTimeLedger ledger;
};

class IokitBackend final : public GpuBackend {
 public:
  IokitBackend(std::vector<Device> devices, std::vector<GpuDeviceInfo> infos, std::vector<GpuCounterInfo> counters,
               std::unique_ptr<apple::MetalDevice> metal, bool energy)
      : devices_(std::move(devices)),
        infos_(std::move(infos)),
        counters_(std::move(counters)),
        metal_(std::move(metal)),
        energy_(energy),
        pid_(::getpid()) {}

  ~IokitBackend() override {
    for (Device& d : devices_) IOObjectRelease(d.service);
  }

  const char* name() const override { return "iokit"; }
  const std::vector<GpuDeviceInfo>& devices() const override { return infos_; }
  std::vector<GpuCounterInfo> counters() const override { return counters_; }

  void read(const std::vector<Pid>& pids, GpuReading& out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out.devices.assign(devices_.size(), GpuDeviceReading());
    out.processes.clear();
    out.problems.clear();
    std::optional<uint32_t> throttle;
    if (auto level = thermal_.level()) throttle = apple::thermal_pressure_throttles(*level) ? kGpuThrottleThermal : 0u;
    const std::optional<uint64_t> gpu_uj = device_energy();
    for (size_t i = 0; i < devices_.size(); ++i) {
      const apple::AcceleratorStats s = apple::select_statistics(read_accelerator(devices_[i].service, true));
      GpuDeviceReading& r = out.devices[i];
      r.util_percent = s.device_util_percent;
      r.memory_used_bytes = s.in_use_bytes;
      r.throttle = throttle;
      if (devices_[i].is_apple) r.energy_uj = gpu_uj;
    }
    if (pids.empty()) return;
    for (size_t i = 0; i < devices_.size(); ++i) {
      walk_clients(devices_[i]);
      for (Pid pid : pids) {
        GpuProcessReading p;
        p.pid = pid;
        p.device = uint32_t(i);
        const std::optional<uint64_t> busy = busy_ns(devices_[i], pid);
        if (busy) p.engines.push_back({"gpu", *busy, 1});
        if (pid == pid_ && metal_ && metal_->registry_id() == devices_[i].registry_id)
          p.memory_bytes = metal_->allocated_bytes();
        if (busy || p.memory_bytes) out.processes.push_back(std::move(p));
      }
    }
  }

  void read_counters(const std::vector<Pid>& pids, GpuCounters& out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out.energy_uj.assign(devices_.size(), std::nullopt);
    out.processes.clear();
    const std::optional<uint64_t> gpu_uj = device_energy();
    for (size_t i = 0; i < devices_.size(); ++i) {
      if (devices_[i].is_apple) out.energy_uj[i] = gpu_uj;
      if (pids.empty()) continue;
      walk_clients(devices_[i]);
      for (Pid pid : pids)
        if (auto busy = busy_ns(devices_[i], pid)) out.processes.push_back({pid, uint32_t(i), {{"gpu", *busy, 1}}});
    }
  }

 private:
  std::optional<uint64_t> device_energy() {
    if (!energy_) return std::nullopt;
    return apple::IoReportEnergy::shared().read().total_uj(apple::EnergyDomain::kGpu);
  }

  // One pass over the accelerator's user clients into its ledger.
  void walk_clients(Device& d) {
    io_iterator_t it = IO_OBJECT_NULL;
    if (IORegistryEntryGetChildIterator(d.service, kIOServicePlane, &it) != KERN_SUCCESS) return;
    d.ledger.begin_pass();
    while (io_registry_entry_t child = IOIteratorNext(it)) {
      const apple::UserClientProps c = read_client(child);
      uint64_t id = 0;
      const std::optional<Pid> pid = apple::creator_pid(c.creator);
      const std::optional<uint64_t> ns = apple::client_gpu_ns(c);
      if (pid && ns && IORegistryEntryGetRegistryEntryID(child, &id) == KERN_SUCCESS) d.ledger.note(id, *pid, *ns);
      IOObjectRelease(child);
    }
    IOObjectRelease(it);
    d.ledger.end_pass();
  }

  std::optional<uint64_t> busy_ns(const Device& d, Pid pid) {
#if defined(__x86_64__)
    if (pid == pid_ && d.registry_id == own_device_id()) return own_task_gpu_ns();
#endif
    return d.ledger.total_ns(pid);
  }

  // The device this process's task counter belongs to: Metal's default device, else the first.
  uint64_t own_device_id() const {
    if (metal_) return metal_->registry_id();
    return devices_.empty() ? 0 : devices_[0].registry_id;
  }

  std::mutex mu_;
  std::vector<Device> devices_;
  const std::vector<GpuDeviceInfo> infos_;
  const std::vector<GpuCounterInfo> counters_;
  const std::unique_ptr<apple::MetalDevice> metal_;
  const bool energy_;
  const Pid pid_;
  apple::ThermalPressure thermal_;
};

GpuCounterInfo counter(const char* name, bool available, std::string source, std::string reason,
                       double period_ms = std::numeric_limits<double>::quiet_NaN()) {
  GpuCounterInfo c;
  c.name = name;
  c.available = available;
  c.source = std::move(source);
  c.reason = available ? "" : std::move(reason);
  c.native_period_ms = period_ms;
  return c;
}

}  // namespace

std::unique_ptr<GpuBackend> make_iokit_backend(std::string& why_not) {
  io_iterator_t it = IO_OBJECT_NULL;
  // MACH_PORT_NULL is the default main port (kIOMainPortDefault needs macOS 12).
  if (IOServiceGetMatchingServices(MACH_PORT_NULL, IOServiceMatching("IOAccelerator"), &it) != KERN_SUCCESS) {
    why_not = "IOServiceGetMatchingServices(IOAccelerator) failed";
    return nullptr;
  }
  std::vector<Device> devices;
  std::vector<GpuDeviceInfo> infos;
  bool any_util = false, any_memory = false, any_apple = false;
  std::vector<bool> has_model;
  std::string util_reason, memory_reason;
  while (io_service_t service = IOIteratorNext(it)) {
    Device d;
    d.service = service;
    IORegistryEntryGetRegistryEntryID(service, &d.registry_id);
    const AcceleratorProps props = read_accelerator(service, false);
    const apple::AcceleratorStats s = apple::select_statistics(props);
    any_util |= bool(s.device_util_percent);
    any_memory |= bool(s.in_use_bytes);
    if (!s.device_util_percent) util_reason = props.has_statistics ? apple::missing_keys_reason("utilisation", apple::kUtilKeys)
                                                                   : props.io_class + " publishes no PerformanceStatistics";
    if (!s.in_use_bytes) memory_reason = props.has_statistics ? apple::missing_keys_reason("memory in use", apple::kMemoryKeys)
                                                              : props.io_class + " publishes no PerformanceStatistics";
    GpuDeviceInfo info;
    info.index = uint32_t(infos.size());
    char id[32];
    std::snprintf(id, sizeof id, "0x%llx", static_cast<unsigned long long>(d.registry_id));
    info.id = id;
    info.name = apple::accelerator_name(props);
    has_model.push_back(!props.model.empty());
    info.vendor = apple::accelerator_vendor(props.io_class);
    info.core_count = props.core_count ? std::optional<uint32_t>(uint32_t(*props.core_count)) : std::nullopt;
    d.is_apple = info.vendor == "apple";
    any_apple |= d.is_apple;
    infos.push_back(std::move(info));
    devices.push_back(std::move(d));
  }
  IOObjectRelease(it);
  if (devices.empty()) {
    why_not = "no IOAccelerator service in the IORegistry (no GPU driver loaded)";
    return nullptr;
  }

  std::string metal_why;
  std::unique_ptr<apple::MetalDevice> metal = apple::MetalDevice::open(metal_why);
  // Metal's name is the marketing name ("Apple M1 Max") where the registry has no "model".
  if (metal)
    for (size_t i = 0; i < devices.size(); ++i)
      if (devices[i].registry_id == metal->registry_id() && !has_model[i] && !metal->name().empty())
        infos[i].name = metal->name();

  // Per-process GPU time needs user clients that publish it (every real Mac's WindowServer has
  // one); a virtual GPU's clients may publish none.
  bool clients_have_time = false;
  for (const Device& d : devices) {
    io_iterator_t children = IO_OBJECT_NULL;
    if (IORegistryEntryGetChildIterator(d.service, kIOServicePlane, &children) != KERN_SUCCESS) continue;
    while (io_registry_entry_t child = IOIteratorNext(children)) {
      clients_have_time |= bool(apple::client_gpu_ns(read_client(child)));
      IOObjectRelease(child);
    }
    IOObjectRelease(children);
  }
  const bool busy_available = kOwnTimeFromTask || clients_have_time;

  apple::IoReportEnergy& ioreport = apple::IoReportEnergy::shared();
  const bool energy = any_apple && ioreport.ok();
  apple::ThermalPressure thermal_probe;
  const std::string stats = "IOAccelerator PerformanceStatistics ";
  std::vector<GpuCounterInfo> counters = {
      counter("gpu_util", any_util, stats + "\"Device Utilization %\" (AMD: \"GPU Activity(%)\"), device-wide", util_reason),
      counter("gpu_memory_util", false, "", "Apple's GPU drivers publish no memory-controller utilisation"),
      counter("gpu_memory", any_memory,
              stats + "\"In use system memory\" (AMD: \"vramUsedBytes\"), device-wide; unified memory on Apple Silicon",
              memory_reason),
      counter("gpu_power", false, "", "not read: IOReport publishes GPU energy (gpu_energy), power follows from it over a window"),
      counter("gpu_energy", energy, "IOReport \"Energy Model\" \"GPU Energy\" (private library, loaded at run time)",
              any_apple ? ioreport.why_not() : "IOReport energy channels exist on Apple Silicon only"),
      counter("gpu_clock", false, "", "not read on macOS"),
      counter("gpu_temperature", false, "", "not read on macOS (only SMC keys that differ per chip publish it)"),
      counter("gpu_throttle", thermal_probe.ok(),
              "thermal pressure level (notify key com.apple.system.thermalpressurelevel), machine-wide", thermal_probe.why_not()),
      counter("gpu_process_memory", bool(metal), "Metal MTLDevice.currentAllocatedSize (this process only)", metal_why),
      counter("gpu_process_util", false, "",
              "no per-process utilisation samples on macOS; derived from gpu_process_busy over a window instead"),
      counter("gpu_process_busy", busy_available,
              kOwnTimeFromTask ? "this process: task_info(TASK_POWER_INFO_V2).gpu_energy.task_gpu_utilisation; other "
                                 "processes: IOAccelerator user clients' accumulatedGPUTime (ns)"
                               : "IOAccelerator user clients' AppUsage accumulatedGPUTime (ns), every process",
              "no user client of this GPU publishes accumulatedGPUTime (a virtual GPU publishes none)"),
  };
  return std::make_unique<IokitBackend>(std::move(devices), std::move(infos), std::move(counters), std::move(metal), energy);
}

}  // namespace llmmon
