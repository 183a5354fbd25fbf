#include "target.h"

namespace llmmon {

const char* target_state_name(TargetState s) {
  switch (s) {
    case TargetState::kLive: return "ok";
    case TargetState::kExited: return "exited";
    case TargetState::kDenied: return "permission_denied";
    case TargetState::kNotFound: return "not_found";
  }
  return "ok";
}

std::string TargetStatus::reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_;
}

std::string TargetStatus::name() const {
  std::lock_guard<std::mutex> lock(mu_);
  return name_;
}

void TargetStatus::set(TargetState s, std::string why) {
  std::lock_guard<std::mutex> lock(mu_);
  reason_ = std::move(why);
  state_.store(s);
}

void TargetStatus::set_name(std::string name) {
  std::lock_guard<std::mutex> lock(mu_);
  name_ = std::move(name);
}

void TargetStatus::end(TargetState s, std::string why) {
  std::lock_guard<std::mutex> lock(mu_);
  const TargetState now = state_.load();
  if (now == TargetState::kExited || now == TargetState::kNotFound) return;
  reason_ = std::move(why);
  state_.store(s);
}

}  // namespace llmmon
