#include "thermal_pressure.h"

#include <libkern/OSThermalNotification.h>
#include <notify.h>

namespace llmmon::apple {

ThermalPressure::ThermalPressure() {
  const uint32_t status = notify_register_check(kOSThermalNotificationPressureLevelName, &token_);
  ok_ = status == NOTIFY_STATUS_OK;
  if (!ok_) why_not_ = "notify_register_check(\"" + std::string(kOSThermalNotificationPressureLevelName) +
                       "\") failed with status " + std::to_string(status);
}

ThermalPressure::~ThermalPressure() {
  if (ok_) notify_cancel(token_);
}

std::optional<uint64_t> ThermalPressure::level() const {
  uint64_t state = 0;
  if (!ok_ || notify_get_state(token_, &state) != NOTIFY_STATUS_OK) return std::nullopt;
  return state;
}

}  // namespace llmmon::apple
