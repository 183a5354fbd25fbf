// Energy sources other than the GPU: one file per platform behind this interface.
//
//   energy_rapl.cpp   Linux: powercap RAPL (/sys/class/powercap/*/energy_uj)
//   energy_none.cpp   platforms without one yet (macOS: proc_pid_rusage ri_energy_nj and
//                     IOReport's energy channels plug in here)
//
// Rules:
//  - A source has a fixed list of channels (channels(), fixed order). Channel names the sampler
//    knows: "cpu" (CPU package(s): the window's cpu_energy_joules), "dram", "process" (this
//    process's energy, where the OS counts it per process), "gpu", "ane". Each has a scope:
//    "package" / "machine" (shared by every process and every concurrent window) or "process".
//  - read() fills one cumulative value per channel in microjoules, monotone for the source's
//    life: the source extends wrap-arounds itself (RAPL: max_energy_range_uj), which it can only
//    do when it is read at least once per wrap period. The sampler's GPU loop reads it on every
//    pass (default 100 ms); windows read it at open and close.
//  - Empty means unreadable now (never 0); channels() says why.
//  - Threads: read() may be called from the GPU loop and from the owning JS thread at once; a
//    source guards its own state.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmmon {

struct EnergyChannelInfo {
  std::string name;    // "cpu", "dram", "process", "gpu", "ane"
  std::string scope;   // "package", "machine", "process"
  bool available = false;
  std::string source;  // files or API it sums
  std::string reason;  // why not available; empty when available
  double native_period_ms = std::numeric_limits<double>::quiet_NaN();  // counter update period; NaN: not stated
};

class EnergySource {
 public:
  virtual ~EnergySource() = default;
  // "rapl", "none", ...
  virtual const char* name() const = 0;
  // Fixed list, fixed order (see the rules above).
  virtual std::vector<EnergyChannelInfo> channels() const = 0;
  // One value per channel, same order: cumulative microjoules, or empty where unreadable.
  virtual void read(std::vector<std::optional<uint64_t>>& out_uj) = 0;
};

// This platform's source (energy_<platform>.cpp). Never returns null.
std::unique_ptr<EnergySource> make_energy_source();

}  // namespace llmmon
