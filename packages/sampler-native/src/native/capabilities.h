// What a sampler can measure: every counter with its availability, source, reason, scope and
// effective resolution (capabilities() in JS). Portable; the platform, GPU backend and energy
// source each describe their own counters, this adds what the sampler's loops make of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "energy.h"
#include "gpu.h"
#include "platform.h"
#include "sampler.h"

namespace llmmon {

struct CounterDescription {
  std::string name;
  bool available = false;
  std::string source;
  std::string reason;  // empty when available
  std::string scope;   // "process", "thread", "machine", "device", "package"
  // The finest detail the sampler's figures from this counter can show, in ms: the loop that
  // reads it, or the counter's own update period when that is longer. Empty: read exactly at
  // window open and close (cumulative counters), or not stated.
  std::optional<double> resolution_ms;
};

std::vector<CounterDescription> describe_counters(const SamplerConfig& config, ProcessProbe& probe,
                                                  const GpuBackend& gpu, const EnergySource& energy);

}  // namespace llmmon
