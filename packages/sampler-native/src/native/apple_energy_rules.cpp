#include "apple_energy_rules.h"

#include <cmath>

namespace llmmon::apple {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const char* energy_domain_name(EnergyDomain d) {
  switch (d) {
    case EnergyDomain::kCpu: return "cpu";
    case EnergyDomain::kGpu: return "gpu";
    case EnergyDomain::kAne: return "ane";
    case EnergyDomain::kDram: return "dram";
    case EnergyDomain::kNone: break;
  }
  return "none";
}

EnergyDomain classify_energy_channel(const std::string& group, const std::string& channel) {
  if (group != "Energy Model") return EnergyDomain::kNone;
  if (channel == "GPU Energy") return EnergyDomain::kGpu;
  if (ends_with(channel, "CPU Energy")) return EnergyDomain::kCpu;
  if (starts_with(channel, "ANE")) return EnergyDomain::kAne;
  if (starts_with(channel, "DRAM")) return EnergyDomain::kDram;
  return EnergyDomain::kNone;
}

std::optional<double> microjoules_per_unit(const std::string& unit) {
  if (unit == "mJ") return 1000.0;
  if (unit == "uJ") return 1.0;
  if (unit == "nJ") return 0.001;
  return std::nullopt;
}

bool EnergyTotals::add(EnergyDomain domain, int64_t delta, const std::string& unit) {
  if (domain == EnergyDomain::kNone) return false;
  const std::optional<double> factor = microjoules_per_unit(unit);
  if (!factor) return false;
  present_[size_t(domain)] = true;
  if (delta > 0) uj_[size_t(domain)] += double(delta) * *factor;
  return true;
}

std::optional<uint64_t> EnergyTotals::total_uj(EnergyDomain domain) const {
  if (domain == EnergyDomain::kNone || !present_[size_t(domain)]) return std::nullopt;
  return uint64_t(std::floor(uj_[size_t(domain)]));
}

bool thermal_pressure_throttles(uint64_t level) { return level > 0; }

const char* thermal_pressure_name(uint64_t level) {
  switch (level) {
    case 0: return "nominal";
    case 1: return "moderate";
    case 2: return "heavy";
    case 3: return "trapping";
    case 4: return "sleeping";
    default: return "unknown";
  }
}

}  // namespace llmmon::apple
