// The energy source of platforms without one yet: no channels.
#include "energy.h"

namespace llmmon {
namespace {

class NoEnergy final : public EnergySource {
 public:
  const char* name() const override { return "none"; }
  std::vector<EnergyChannelInfo> channels() const override { return {}; }
  void read(std::vector<std::optional<uint64_t>>& out_uj) override { out_uj.clear(); }
};

}  // namespace

std::unique_ptr<EnergySource> make_energy_source() { return std::make_unique<NoEnergy>(); }

}  // namespace llmmon
