// macOS thermal pressure (thermal_pressure_darwin.cpp): the level the OS publishes under the
// notify(3) key "com.apple.system.thermalpressurelevel" (kOSThermalNotificationPressureLevelName,
// <libkern/OSThermalNotification.h>), read with notify_get_state: no privilege, no run loop.
// What the levels mean: apple_energy_rules.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace llmmon::apple {

class ThermalPressure {
 public:
  ThermalPressure();
  ~ThermalPressure();
  ThermalPressure(const ThermalPressure&) = delete;
  ThermalPressure& operator=(const ThermalPressure&) = delete;

  bool ok() const { return ok_; }
  const std::string& why_not() const { return why_not_; }
  // The current level; empty when it cannot be read. Thread-safe (notify_get_state is).
  std::optional<uint64_t> level() const;

 private:
  int token_ = 0;
  bool ok_ = false;
  std::string why_not_;
};

}  // namespace llmmon::apple
