// Linux GPUs through the kernel's DRM interfaces: per-process figures from DRM client usage
// stats in /proc/<pid>/fdinfo (amdgpu, i915, xe, msm, panfrost, panthor, v3d, ...), device
// figures from sysfs where the driver publishes them (amdgpu gpu_busy_percent and VRAM use,
// hwmon power, energy, temperature, clock).
//
// Rules this file keeps:
//  - Devices are the render nodes in <sys>/class/drm (renderD*), identified by their PCI slot.
//    The backend exists when there is at least one; a process without DRM clients simply uses
//    none of them.
//  - A client (one struct drm_file) may be open through several fds: it is counted once, by
//    (device, drm-client-id), as the spec asks.
//  - Engine counters follow the spec's rule for values that go backwards: the larger previous
//    value holds until the driver catches up (MonotoneCounter kLagging). Cycle counters become
//    nanoseconds: with drm-maxfreq-<e>, cycles / maxfreq (time at full speed); with
//    drm-total-cycles-<e>, the busy share dcycles / dtotal times the wall time between two
//    readings of that client (so the first reading of a client is its baseline).
//  - Per (pid, device) the backend reports cumulative engine time: clients that closed keep
//    contributing what they had counted ("retired"), so the counter never drops when an fd
//    closes. Shared clients (one drm_file in several processes) count in each process.
//  - read() rescans the fds of each pid; read_counters() (window open/close) re-reads only the
//    fdinfo of the DRM fds the last scan found. One lock (mu_) guards all state; a whole scan
//    holds it (tens of microseconds for a few fds).
//  - LLMMON_PROC_ROOT and LLMMON_SYS_ROOT point it at directories laid out like /proc and /sys
//    (the tests' fixtures).
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "counter_math.h"
#include "drm_fdinfo.h"
#include "fs_util.h"
#include "gpu_backends.h"
#include "platform.h"

namespace llmmon {
namespace {

using fs::base_name;
using fs::list_dir;
using fs::read_link;
using fs::read_text;
using fs::read_uint;
using fs::trimmed;

constexpr unsigned kDrmMajor = 226;  // character devices of DRM (/dev/dri/*)

// Drivers whose fdinfo carries DRM usage stats (their kernel documentation says so).
// Any other driver counts too once a client with stats is seen.
const std::set<std::string> kStatsDrivers = {"amdgpu", "i915", "xe", "msm", "panfrost", "panthor", "v3d"};

const char* vendor_of(uint64_t pci_vendor) {
  switch (pci_vendor) {
    case 0x1002: return "amd";
    case 0x8086: return "intel";
    case 0x10de: return "nvidia";
    case 0x5143: return "qualcomm";
    default: return "";
  }
}

struct Device {
  GpuDeviceInfo info;
  std::string driver;
  std::string node;   // render node name (renderD128)
  std::string dir;    // <sys>/class/drm/<node>/device
  std::string hwmon;  // <dir>/hwmon/hwmonN, empty when none
  MonotoneCounter energy{MonotoneCounter::Kind::kResetting};
};

struct EngineState {
  MonotoneCounter busy{MonotoneCounter::Kind::kLagging};
  MonotoneCounter cycles{MonotoneCounter::Kind::kLagging};
  MonotoneCounter total{MonotoneCounter::Kind::kLagging};
  uint64_t cycles_seen = 0, total_seen = 0;
  int64_t t_ns = 0;
  double busy_ns = 0;  // cumulative, normalized to ns
  uint32_t capacity = 1;
};

struct ClientState {
  uint32_t device = 0;
  std::map<std::string, EngineState> engines;
  std::optional<uint64_t> memory;
  bool present = false;  // seen by the current scan
};

struct ProcessState {
  std::vector<std::pair<std::string, uint32_t>> drm_fds;  // (fd, device) from the last scan
  bool scanned = false;
  std::map<std::string, ClientState> clients;              // by "<device>#<client id>"
  std::map<std::pair<uint32_t, std::string>, double> retired;  // (device, engine) -> ns of closed clients
  std::map<std::pair<uint32_t, std::string>, uint32_t> capacity;
};

class DrmBackend final : public GpuBackend {
 public:
  DrmBackend(GpuPaths paths, std::vector<Device> devices)
      : paths_(std::move(paths)), devices_(std::move(devices)) {
    for (const Device& d : devices_) infos_.push_back(d.info);
    for (const Device& d : devices_) stats_driver_ = stats_driver_ || kStatsDrivers.count(d.driver) != 0;
    GpuReading r;
    read({::getpid()}, r);
  }

  const char* name() const override { return "drm"; }
  const std::vector<GpuDeviceInfo>& devices() const override { return infos_; }

  std::vector<GpuCounterInfo> counters() const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<GpuCounterInfo> out;
    auto device_file = [&](const char* name, bool in_hwmon, const std::vector<const char*>& files,
                           const std::string& why) {
      GpuCounterInfo c;
      c.name = name;
      for (const Device& d : devices_) {
        for (const char* f : files) {
          const std::string dir = in_hwmon ? d.hwmon : d.dir;
          if (!dir.empty() && ::access((dir + "/" + f).c_str(), R_OK) == 0) {
            c.available = true;
            c.source = std::string(in_hwmon ? "hwmon " : "sysfs ") + f;
            break;
          }
        }
        if (c.available) break;
      }
      if (!c.available) c.reason = why + " (driver " + drivers() + ")";
      out.push_back(std::move(c));
    };
    device_file("gpu_util", false, {"gpu_busy_percent"}, "the driver publishes no device busy % in sysfs");
    device_file("gpu_memory_util", false, {"mem_busy_percent"}, "the driver publishes no memory busy % in sysfs");
    device_file("gpu_memory", false, {"mem_info_vram_used"}, "the driver publishes no VRAM use in sysfs");
    device_file("gpu_power", true, {"power1_average", "power1_input"}, "no hwmon power reading");
    device_file("gpu_energy", true, {"energy1_input"}, "no hwmon energy counter");
    device_file("gpu_clock", true, {"freq1_input"}, "no hwmon clock reading");
    device_file("gpu_temperature", true, {"temp1_input"}, "no hwmon temperature");
    GpuCounterInfo throttle;
    throttle.name = "gpu_throttle";
    throttle.reason = "DRM sysfs has no throttle reasons";
    out.push_back(throttle);
    const bool process = stats_driver_ || clients_seen_;
    const std::string why = "driver " + drivers() + " publishes no DRM usage stats in fdinfo";
    for (const char* n : {"gpu_process_memory", "gpu_process_util", "gpu_process_busy"}) {
      GpuCounterInfo c;
      c.name = n;
      c.available = process;
      c.source = std::string(paths_.proc_root) + "/<pid>/fdinfo: " +
                 (std::string(n) == "gpu_process_memory" ? "drm-resident-* (else drm-total-*)"
                                                          : "drm-engine-* / drm-cycles-*");
      if (!process) c.reason = why;
      out.push_back(std::move(c));
    }
    return out;
  }

  void read(const std::vector<Pid>& pids, GpuReading& out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out.devices.assign(devices_.size(), GpuDeviceReading());
    for (size_t i = 0; i < devices_.size(); ++i) read_device(devices_[i], out.devices[i]);
    out.processes.clear();
    out.problems.clear();
    out.process_memory_listed = true;  // every pid's fds are scanned, or it is in `problems`
    const int64_t t = platform::monotonic_ns();
    for (Pid pid : pids) {
      ProcessState& p = procs_[pid];
      std::string problem;
      if (!scan(pid, p, t, problem)) {
        out.problems.push_back({pid, problem});
        continue;
      }
      emit(p, true, [&](uint32_t device, std::optional<uint64_t> memory, std::vector<GpuEngineBusy> engines) {
        GpuProcessReading r;
        r.pid = pid;
        r.device = device;
        r.memory_bytes = memory;
        r.engines = std::move(engines);
        out.processes.push_back(std::move(r));
      });
    }
  }

  void read_counters(const std::vector<Pid>& pids, GpuCounters& out) override {
    std::lock_guard<std::mutex> lock(mu_);
    out.energy_uj.assign(devices_.size(), std::nullopt);
    for (size_t i = 0; i < devices_.size(); ++i) out.energy_uj[i] = read_energy(devices_[i]);
    out.processes.clear();
    const int64_t t = platform::monotonic_ns();
    for (Pid pid : pids) {
      ProcessState& p = procs_[pid];
      std::string problem;
      if (!p.scanned) {
        if (!scan(pid, p, t, problem)) continue;
      } else {
        // Only the fds the last scan found; a client that closed meanwhile is retired by the next scan.
        for (const auto& [fd, device] : p.drm_fds) read_client(pid, fd, device, p, t);
      }
      emit(p, false, [&](uint32_t device, std::optional<uint64_t>, std::vector<GpuEngineBusy> engines) {
        out.processes.push_back({pid, device, std::move(engines)});
      });
    }
  }

 private:
  std::string drivers() const {
    std::string s;
    for (const Device& d : devices_) {
      if (s.find(d.driver) != std::string::npos) continue;
      s += (s.empty() ? "" : ", ") + d.driver;
    }
    return s;
  }

  std::optional<uint64_t> read_energy(Device& d) {
    if (d.hwmon.empty()) return std::nullopt;
    const auto uj = read_uint(d.hwmon + "/energy1_input");
    if (!uj) return std::nullopt;
    return d.energy.update(*uj);
  }

  void read_device(Device& d, GpuDeviceReading& r) {
    if (const auto v = read_uint(d.dir + "/gpu_busy_percent")) r.util_percent = double(*v);
    if (const auto v = read_uint(d.dir + "/mem_busy_percent")) r.memory_util_percent = double(*v);
    if (const auto v = read_uint(d.dir + "/mem_info_vram_used")) r.memory_used_bytes = *v;
    r.energy_uj = read_energy(d);
    if (d.hwmon.empty()) return;
    auto uw = read_uint(d.hwmon + "/power1_average");
    if (!uw) uw = read_uint(d.hwmon + "/power1_input");
    if (uw) r.power_watts = double(*uw) / 1e6;
    if (const auto v = read_uint(d.hwmon + "/freq1_input")) r.sm_clock_mhz = uint32_t(*v / 1000000);
    if (const auto v = read_uint(d.hwmon + "/temp1_input")) r.temperature_c = double(*v) / 1000.0;
  }

  // Which device an fd opens: by its render/card node name, else by the client's drm-pdev,
  // else the only device. -1: none of ours.
  int device_of(const std::string& target, const DrmClientStats& c) const {
    const std::string node = base_name(target);
    for (size_t i = 0; i < devices_.size(); ++i)
      if (devices_[i].node == node) return int(i);
    for (size_t i = 0; i < devices_.size(); ++i)
      if (!c.pdev.empty() && devices_[i].info.id == c.pdev) return int(i);
    return devices_.size() == 1 ? 0 : -1;
  }

  static bool is_drm_fd(const std::string& fd_path, const std::string& target) {
    if (target.rfind("/dev/dri/", 0) == 0) return true;
    struct stat st;
    return ::stat(fd_path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == kDrmMajor;
  }

  // Every fd of `pid`: finds the DRM ones and updates their clients; retires clients gone.
  bool scan(Pid pid, ProcessState& p, int64_t t, std::string& problem) {
    const std::string base = paths_.proc_root + "/" + std::to_string(pid);
    int error = 0;
    const std::vector<std::string> fds = list_dir(base + "/fd", &error);
    if (error != 0) {
      problem = base + "/fd: " + (error == ENOENT ? "no such process" : std::strerror(error));
      return false;
    }
    for (auto& [key, c] : p.clients) c.present = false;
    p.drm_fds.clear();
    for (const std::string& fd : fds) {
      const std::string target = read_link(base + "/fd/" + fd);
      if (!is_drm_fd(base + "/fd/" + fd, target)) continue;
      bool duplicate = false;
      const int device = read_client(pid, fd, -1, p, t, &target, &duplicate);
      if (device >= 0 && !duplicate) p.drm_fds.emplace_back(fd, uint32_t(device));
    }
    for (auto it = p.clients.begin(); it != p.clients.end();) {
      if (it->second.present) {
        ++it;
        continue;
      }
      for (const auto& [engine, e] : it->second.engines) p.retired[{it->second.device, engine}] += e.busy_ns;
      it = p.clients.erase(it);
    }
    p.scanned = true;
    return true;
  }

  // Reads one fd's fdinfo into its client's state. Returns the device, or -1.
  // `target` (the fd's link) is given by a scan; then `duplicate` says the fd is one more fd of a
  // client this scan has already read.
  int read_client(Pid pid, const std::string& fd, int device, ProcessState& p, int64_t t,
                  const std::string* target = nullptr, bool* duplicate = nullptr) {
    std::string text;
    if (!read_text(paths_.proc_root + "/" + std::to_string(pid) + "/fdinfo/" + fd, text)) return -1;
    const DrmClientStats c = parse_drm_fdinfo(text);
    if (!c.is_client()) return -1;
    if (device < 0) device = device_of(target ? *target : "", c);
    if (device < 0) return -1;
    clients_seen_ = clients_seen_ || !c.engines.empty() || c.memory_bytes().has_value();
    const std::string key =
        std::to_string(device) + "#" + (c.client_id ? std::to_string(*c.client_id) : "fd" + fd);
    ClientState& s = p.clients[key];
    if (s.present && target) {
      if (duplicate) *duplicate = true;
      return device;
    }
    s.present = true;
    s.device = uint32_t(device);
    s.memory = c.memory_bytes();
    for (const auto& [name, e] : c.engines) update_engine(s.engines[name], e, t);
    for (const auto& [name, e] : s.engines) {
      uint32_t& cap = p.capacity[{s.device, name}];
      cap = std::max(cap, e.capacity);
    }
    return device;
  }

  static void update_engine(EngineState& s, const DrmEngineStats& e, int64_t t) {
    s.capacity = e.capacity;
    if (e.busy_ns) {
      s.busy_ns = double(s.busy.update(*e.busy_ns));
    } else if (e.cycles && e.maxfreq_hz && *e.maxfreq_hz > 0) {
      s.busy_ns = double(s.cycles.update(*e.cycles)) * 1e9 / double(*e.maxfreq_hz);
    } else if (e.cycles && e.total_cycles) {
      // drm-total-cycles-<e> is a GPU timestamp: the busy share between two readings where it
      // advanced, times the wall time between them. A reading where it did not advance (read
      // twice within the driver's update) neither adds nor moves the interval's start.
      const bool first = !s.cycles.seen();
      const uint64_t c = s.cycles.update(*e.cycles), total = s.total.update(*e.total_cycles);
      if (first || (total > s.total_seen && t > s.t_ns)) {
        if (!first) {
          // At most the engine group's capacity: a lagging counter catching up could claim more.
          const double share =
              std::min(double(c - s.cycles_seen) / double(total - s.total_seen), double(s.capacity));
          s.busy_ns += share * double(t - s.t_ns);
        }
        s.cycles_seen = c;
        s.total_seen = total;
        s.t_ns = t;
      }
    }
  }

  // Per device the pid uses: memory of its live clients, engine time including retired clients.
  template <class Sink>
  void emit(const ProcessState& p, bool live_only, Sink&& sink) {
    for (uint32_t d = 0; d < devices_.size(); ++d) {
      std::map<std::string, double> busy;
      std::optional<uint64_t> memory;
      bool live = false;
      for (const auto& [key, c] : p.clients) {
        if (c.device != d) continue;
        live = true;
        if (c.memory) memory = memory.value_or(0) + *c.memory;
        for (const auto& [name, e] : c.engines) busy[name] += e.busy_ns;
      }
      for (const auto& [k, ns] : p.retired)
        if (k.first == d) busy[k.second] += ns;
      if (live_only ? !live : busy.empty()) continue;
      std::vector<GpuEngineBusy> engines;
      for (const auto& [name, ns] : busy) {
        const auto cap = p.capacity.find({d, name});
        engines.push_back({name, uint64_t(ns), cap == p.capacity.end() ? 1u : cap->second});
      }
      sink(d, memory, std::move(engines));
    }
  }

  const GpuPaths paths_;
  mutable std::mutex mu_;
  std::vector<Device> devices_;
  std::vector<GpuDeviceInfo> infos_;
  bool stats_driver_ = false;
  bool clients_seen_ = false;
  std::map<Pid, ProcessState> procs_;
};

}  // namespace

std::unique_ptr<GpuBackend> make_drm_backend(const GpuPaths& paths, std::string& why_not) {
  const std::string drm = paths.sys_root + "/class/drm";
  std::vector<Device> devices;
  for (const std::string& node : list_dir(drm)) {
    if (node.rfind("renderD", 0) != 0) continue;
    Device d;
    d.node = node;
    d.dir = drm + "/" + node + "/device";
    char resolved[PATH_MAX];
    if (!::realpath(d.dir.c_str(), resolved)) continue;
    d.info.index = uint32_t(devices.size());
    d.info.id = base_name(resolved);
    d.driver = base_name(read_link(d.dir + "/driver"));
    if (d.driver.empty()) d.driver = "unknown";
    d.info.vendor = vendor_of(read_uint(d.dir + "/vendor").value_or(0));
    std::string product;
    d.info.name = read_text(d.dir + "/product_name", product) && !trimmed(product).empty()
                      ? trimmed(product)
                      : d.driver + " GPU " + d.info.id;
    d.info.memory_total_bytes = read_uint(d.dir + "/mem_info_vram_total");
    std::string version;
    if (read_text(paths.sys_root + "/module/" + d.driver + "/version", version)) d.info.driver_version = trimmed(version);
    for (const std::string& h : list_dir(d.dir + "/hwmon"))
      if (h.rfind("hwmon", 0) == 0) {
        d.hwmon = d.dir + "/hwmon/" + h;
        break;
      }
    devices.push_back(std::move(d));
  }
  if (devices.empty()) {
    why_not = "DRM: no GPU render node in " + drm;
    return nullptr;
  }
  return std::make_unique<DrmBackend>(paths, std::move(devices));
}

}  // namespace llmmon
