// An attached process ("target") as a Sampler keeps it: its probe (target.h), the estimate of
// its exited threads' CPU, the last figures read while it lived, and its GPU tracker. Portable.
//
// Threads: a Target is shared (shared_ptr) by the Sampler's target list, the windows that were
// open while it was attached, the sampling thread and the GPU thread. read_cpu() serializes
// itself (cpu_mu_); the last figures are guarded by last_mu_; the `tl_*` members belong to the
// sampling thread and `gpu_tracker` to the GPU thread. No lock here is ever held together with
// Sampler::mu_.
#pragma once

#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gpu_sample.h"
#include "target.h"

namespace llmmon {

// A target's peak CPU % is measured over slices of at least this length, not 10 ms: its counts
// lag by up to one scheduler update per running thread (target.h), which is +-40 % of a core
// over a 10 ms slice at HZ=250 (more where ticks run late) and +-4 % over 100 ms.
constexpr int64_t kTargetSliceNs = 100000000;

// One CPU reading of a target (Target::read_cpu).
struct TargetReading {
  bool ok = false;              // the process answered
  int64_t t_ns = 0;             // right after its counters were read
  bool single_instant = false;  // read without preemption (single_instant() in window.h)
  bool cpu_ok = false;
  int64_t cpu_ns = 0;           // the process's CPU time, monotone (see read_cpu)
  bool threads_ok = false;
  std::vector<ThreadCpu> threads;  // sorted by tid; empty unless threads_ok
};

class Target {
 public:
  Target(uint32_t slot_id, Pid target_pid, std::string target_role);

  const uint32_t slot;  // order of attachment: lists of targets are sorted by it
  const Pid pid;
  const std::string role;  // given by the caller ("server", ...); may be empty
  TargetProbe probe;

  // Reads the process CPU and every thread's CPU now. A reading that succeeds becomes the last
  // figures (last()); one that finds the process gone records when (ended_ns()).
  void read_cpu(TargetReading& out);
  // RSS now (every tick); a reading that succeeds becomes the last RSS.
  bool read_rss(uint64_t& out);
  // The newest CPU reading and RSS that succeeded: where a target that exited ends its figures.
  void last(TargetReading& cpu, std::optional<uint64_t>& rss) const;
  // removeTarget(): takes a final reading, then the target's figures end there.
  void detach();
  bool detached() const;
  // When the target was found exited or was detached, on the samples' clock; 0 while it lives.
  int64_t ended_ns() const;
  // Whether the sampler should go on reading it (not exited, not detached, not missing).
  bool readable() const;

  // --- GPU thread only ---
  GpuTracker gpu_tracker;

  // --- Sampling thread only: the timeline's previous single-instant reading and scratch ---
  TargetReading tl_prev;
  TargetReading tl_now;
  uint64_t tl_rss_max = 0;
  bool tl_rss_seen = false;

 private:
  void note_end(int64_t t_ns);

  std::mutex cpu_mu_;
  // Running maximum of (process CPU - sum of the live threads' CPU), the process read first:
  // the CPU time of threads that have exited (see read_cpu in targets.cpp).
  int64_t exited_ns_ = 0;
  int64_t floor_ns_ = std::numeric_limits<int64_t>::min();

  mutable std::mutex last_mu_;
  TargetReading last_;
  std::optional<uint64_t> last_rss_;
  int64_t ended_ns_ = 0;
  bool detached_ = false;
};

// What addTarget() and targets() report about an attached process.
struct TargetInfo {
  Pid pid = 0;
  std::string name;
  std::string role;
  TargetState state = TargetState::kLive;
  bool detached = false;
  std::string reason;
};

TargetInfo describe(const Target& t);

}  // namespace llmmon
