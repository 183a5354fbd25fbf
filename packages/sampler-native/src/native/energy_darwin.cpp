// The macOS energy source: this process's energy from the kernel, and the machine's CPU, ANE and
// DRAM energy from IOReport (ioreport_darwin.h). The GPU's energy is the `iokit` GPU backend's
// gpu_energy (the same IOReport subscription), not a channel here, so nothing is counted twice.
//
//   process  proc_pid_rusage(getpid(), RUSAGE_INFO_V6).ri_energy_nj: the kernel's running
//            estimate of this task's energy (CPU, and on Apple Silicon the energy the kernel
//            attributes to the task), cumulative nJ, exact at every read. Filled on Apple
//            Silicon; 0 on Intel Macs, where the channel is unavailable.
//   cpu, ane, dram  IOReport "Energy Model", machine-wide (every process), published with latency.
#include <libproc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "apple_energy_rules.h"
#include "energy.h"
#include "ioreport_darwin.h"

namespace llmmon {
namespace {

using apple::EnergyDomain;

constexpr EnergyDomain kMachineDomains[] = {EnergyDomain::kCpu, EnergyDomain::kAne, EnergyDomain::kDram};

std::optional<uint64_t> process_energy_nj(std::string* why_not) {
  rusage_info_v6 info{};
  if (proc_pid_rusage(::getpid(), RUSAGE_INFO_V6, reinterpret_cast<rusage_info_t*>(&info)) != 0) {
    if (why_not) *why_not = std::string("proc_pid_rusage(RUSAGE_INFO_V6) failed: ") + std::strerror(errno) + " (needs macOS 12 or later)";
    return std::nullopt;
  }
  return info.ri_energy_nj;
}

class DarwinEnergy final : public EnergySource {
 public:
  DarwinEnergy() {
    EnergyChannelInfo process{"process", "process", false, "proc_pid_rusage(RUSAGE_INFO_V6).ri_energy_nj", "", kNaN};
#if defined(__arm64__)
    process.available = bool(process_energy_nj(&process.reason));
#else
    process.reason = "the kernel fills ri_energy_nj on Apple Silicon only";
#endif
    process_ok_ = process.available;
    channels_.push_back(process);
    apple::IoReportEnergy& io = apple::IoReportEnergy::shared();
    const apple::EnergyTotals totals = io.read();
    for (EnergyDomain d : kMachineDomains) {
      EnergyChannelInfo c{apple::energy_domain_name(d), "machine", false,
                          "IOReport \"Energy Model\" (private library, loaded at run time)", "", kNaN};
      c.available = io.ok() && totals.present(d);
      if (!c.available)
        c.reason = io.ok() ? std::string("no IOReport \"Energy Model\" channel for ") + c.name + " on this Mac" : io.why_not();
      channels_.push_back(c);
    }
  }

  const char* name() const override { return "darwin"; }
  std::vector<EnergyChannelInfo> channels() const override { return channels_; }

  void read(std::vector<std::optional<uint64_t>>& out_uj) override {
    out_uj.assign(channels_.size(), std::nullopt);
    if (process_ok_) {
      if (auto nj = process_energy_nj(nullptr)) {
        std::lock_guard<std::mutex> lock(mu_);
        process_uj_ = std::max(process_uj_, *nj / 1000);  // monotone (energy.h)
        out_uj[0] = process_uj_;
      }
    }
    const apple::EnergyTotals totals = apple::IoReportEnergy::shared().read();
    for (size_t i = 0; i < std::size(kMachineDomains); ++i)
      if (channels_[i + 1].available) out_uj[i + 1] = totals.total_uj(kMachineDomains[i]);
  }

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<EnergyChannelInfo> channels_;
  bool process_ok_ = false;
  std::mutex mu_;
  uint64_t process_uj_ = 0;
};

}  // namespace

std::unique_ptr<EnergySource> make_energy_source() { return std::make_unique<DarwinEnergy>(); }

}  // namespace llmmon
