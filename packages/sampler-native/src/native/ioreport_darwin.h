// The machine's CPU, GPU, ANE and DRAM energy from IOReport's "Energy Model" channels (macOS on
// Apple Silicon), without privilege.
//
// IOReport is a PRIVATE interface (libIOReport.dylib, no header in the SDK): it is loaded at run
// time with dlopen/dlsym, every function it needs is looked up by name, and every object it
// returns is type-checked before use. When the library or a symbol is missing, or it returns
// something of another shape (a changed layout in a future macOS), the channels are unavailable
// with that reason; nothing else in the sampler depends on it. Signatures: those macmon
// (vladkens/macmon) and socpowerbud call.
//
// Channels publish with their own latency: "GPU Energy" (nJ) every ~120 ms, the mJ channels
// (CPU, ANE, DRAM) in chunks up to ~1.7 s apart on an M1 Ultra (lablup/all-smi#424). A window
// shorter than that sees the energy published inside it, not the energy spent inside it.
//
// One subscription per process (shared()): the GPU backend (gpu_energy) and the energy source
// (cpu, ane, dram) read the same totals. Reads closer together than 20 ms return the previous
// totals instead of sampling again.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "apple_energy_rules.h"

namespace llmmon::apple {

class IoReportEnergy {
 public:
  // The process-wide instance (created on first use, never destroyed: it may be read from the
  // sampling thread while the process exits).
  static IoReportEnergy& shared();

  bool ok() const { return ok_; }
  const std::string& why_not() const { return why_not_; }
  // Takes a sample (see above) and returns the cumulative totals since the subscription began.
  EnergyTotals read();

  struct Api;  // the library's functions (ioreport_darwin.cpp)

 private:
  IoReportEnergy();
  Api* api_ = nullptr;
  bool ok_ = false;
  std::string why_not_;
  std::mutex mu_;
  void* subscription_ = nullptr;
  const void* channels_ = nullptr;   // CFMutableDictionaryRef, owned
  const void* previous_ = nullptr;   // CFDictionaryRef sample, owned
  uint64_t previous_ns_ = 0;
  EnergyTotals totals_;
};

}  // namespace llmmon::apple
