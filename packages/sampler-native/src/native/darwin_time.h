// Mach time units (macOS only): mach_absolute_time() ticks and the counters the kernel keeps in
// them (task CPU totals on Apple silicon), converted with the timebase. Shared by
// platform_darwin.cpp and target_darwin.cpp.
#pragma once

#include <mach/mach_time.h>

#include <cstdint>

namespace llmmon::darwin {

struct Timebase {
  uint64_t numer;
  uint64_t denom;
};

inline const Timebase& timebase() {
  // Function-local static of a trivially destructible type: thread-safe init, no destructor.
  static const Timebase tb = [] {
    mach_timebase_info_data_t info{0, 0};
    if (mach_timebase_info(&info) != KERN_SUCCESS || info.denom == 0) return Timebase{1, 1};
    return Timebase{info.numer, info.denom};
  }();
  return tb;
}

// v * mul / div without overflowing 64 bits (numer/denom are small: 1/1, 125/3).
inline uint64_t scale(uint64_t v, uint64_t mul, uint64_t div) { return (v / div) * mul + (v % div) * mul / div; }
inline uint64_t ticks_to_ns(uint64_t ticks) { return scale(ticks, timebase().numer, timebase().denom); }
inline uint64_t ns_to_ticks(uint64_t ns) { return scale(ns, timebase().denom, timebase().numer); }

}  // namespace llmmon::darwin
