// Turning raw hardware counters into monotone cumulative ones (portable, no I/O).
//
// Three kinds of raw counter, three rules:
//  - wrapping  (RAPL energy_uj): counts up to a documented range, then starts again at 0. A raw
//              value below the previous one means one wrap; more than one wrap between two
//              readings cannot be seen, so the counter must be read at least once per wrap
//              period (range / power: ~40 s to hours).
//  - resetting (NVML total energy, "since the driver was last reloaded"): a raw value below the
//              previous one means the count restarted from 0; the new raw value is what was
//              counted since.
//  - lagging   (DRM drm-engine-*, drm-cycles-*): the kernel documents that a value may read lower
//              than before and catch up later; the larger previous value holds until then.
// Each keeps the raw value it saw last and the cumulative total it has built.
#pragma once

#include <cstdint>

namespace llmmon {

class MonotoneCounter {
 public:
  enum class Kind { kWrapping, kResetting, kLagging };

  explicit MonotoneCounter(Kind kind, uint64_t range = 0) : kind_(kind), range_(range) {}

  // Feeds a raw reading; returns the cumulative value (the first reading is its own start).
  uint64_t update(uint64_t raw) {
    if (!seen_) {
      seen_ = true;
      last_raw_ = raw;
      total_ = raw;
      return total_;
    }
    if (raw >= last_raw_) {
      total_ += raw - last_raw_;
      last_raw_ = raw;
    } else if (kind_ == Kind::kWrapping) {
      // One wrap: from last_raw_ up to the range, then from 0 to raw.
      if (range_ > last_raw_) total_ += range_ - last_raw_;
      total_ += raw;
      last_raw_ = raw;
    } else if (kind_ == Kind::kResetting) {
      total_ += raw;
      last_raw_ = raw;
    }
    // kLagging: hold the larger previous value (last_raw_ unchanged) until the driver catches up.
    return total_;
  }

  bool seen() const { return seen_; }
  uint64_t total() const { return total_; }

 private:
  Kind kind_;
  uint64_t range_;
  bool seen_ = false;
  uint64_t last_raw_ = 0;
  uint64_t total_ = 0;
};

}  // namespace llmmon
