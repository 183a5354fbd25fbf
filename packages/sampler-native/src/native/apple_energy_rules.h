// Portable rules of the macOS energy source (energy_darwin.cpp) and thermal flag: which IOReport
// "Energy Model" channel counts for what, unit labels, per-window differencing. No I/O and no
// Apple headers: tested on Linux with channel lists real Macs publish.
//
// IOReport's "Energy Model" group publishes one simple (integer) channel per power domain, each
// with its own unit label ("mJ", "uJ", "nJ"). Names differ across chips (vladkens/macmon
// src_lib/metrics.rs; lablup/all-smi#424 lists an M1 Ultra's):
//   CPU   "CPU Energy" (M1-M3 base/Pro/Max), "DIE_0_CPU Energy", "DIE_1_CPU Energy" (Ultra)
//         (per-cluster "EACC_CPU", "PACC0_CPU" and per-core "PCPU1DTL2b" parts are not added:
//         "CPU Energy" already covers them)
//   GPU   "GPU Energy" (nJ) only; "GPU0", "GPU0_0" (mJ) are the same energy in other units and
//         "GPU SRAM0" a separate domain, so none of them is added to it
//   ANE   "ANE", "ANE0", "ANE0_0", "ANE0_1", ... (every die)
//   DRAM  "DRAM", "DRAM0", "DRAM0_0", ...
// Everything else (ISP, AVE, DCS, AMCC, PCIe ports, ...) is not counted.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace llmmon::apple {

enum class EnergyDomain { kNone = -1, kCpu = 0, kGpu, kAne, kDram };
constexpr size_t kEnergyDomains = 4;
const char* energy_domain_name(EnergyDomain d);  // "cpu", "gpu", "ane", "dram"

EnergyDomain classify_energy_channel(const std::string& group, const std::string& channel);

// Microjoules per unit of an IOReport unit label ("mJ" 1000, "uJ" 1, "nJ" 0.001); empty for a
// label this code does not know (the channel is then not counted, and the source says so).
std::optional<double> microjoules_per_unit(const std::string& unit);

// Cumulative energy per domain in microjoules, built from IOReport sample deltas. A delta below
// 0 (never published) is not added. Fractions of a microjoule (nJ channels) are kept, so many
// small deltas add up exactly.
class EnergyTotals {
 public:
  // Adds one channel's delta; false when the channel does not count (domain kNone) or its unit
  // is unknown.
  bool add(EnergyDomain domain, int64_t delta, const std::string& unit);
  // Marks that `domain` has at least one channel on this machine (its total is then known, 0
  // until energy is published).
  void mark_present(EnergyDomain domain) { present_[size_t(domain)] = true; }
  bool present(EnergyDomain domain) const { return present_[size_t(domain)]; }
  std::optional<uint64_t> total_uj(EnergyDomain domain) const;

 private:
  std::array<double, kEnergyDomains> uj_{};
  std::array<bool, kEnergyDomains> present_{};
};

// macOS thermal pressure (<libkern/OSThermalNotification.h>, notify key
// "com.apple.system.thermalpressurelevel"): 0 nominal, 1 moderate, 2 heavy, 3 trapping,
// 4 sleeping. Anything above nominal means the OS is limiting performance for heat: the reading
// carries the thermal throttle bit.
bool thermal_pressure_throttles(uint64_t level);
const char* thermal_pressure_name(uint64_t level);  // "nominal", ..., "unknown"

}  // namespace llmmon::apple
