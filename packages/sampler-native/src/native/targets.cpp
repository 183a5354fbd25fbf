#include "targets.h"

#include <algorithm>

#include "window_parts.h"

namespace llmmon {

namespace {

// Copies a reading; `to.threads` keeps its capacity (no allocation once it has grown).
void copy_reading(const TargetReading& from, TargetReading& to) {
  to.ok = from.ok;
  to.t_ns = from.t_ns;
  to.single_instant = from.single_instant;
  to.cpu_ok = from.cpu_ok;
  to.cpu_ns = from.cpu_ns;
  to.threads_ok = from.threads_ok;
  to.threads.assign(from.threads.begin(), from.threads.end());
}

}  // namespace

Target::Target(uint32_t slot_id, Pid target_pid, std::string target_role)
    : slot(slot_id), pid(target_pid), role(std::move(target_role)), probe(target_pid), gpu_tracker(target_pid) {
  if (probe.state() != TargetState::kLive) note_end(platform::monotonic_ns());
}

// Why the process CPU is read before the threads, not after as for our own process (Sampler::
// read_cpu): the counters of another process's threads cannot be brought up to date by reading
// them, so a thread running on another CPU gains a whole scheduler tick at once, at any moment.
// With the process read first, every tick a thread gains between the two reads lands on the
// threads' side, and
//   process (first) - sum of the live threads (after)
// can only fall short of the exited threads' CPU, never exceed it: a thread alive at the first
// read and gone at the second did exit (its time is rightly exited), a thread started meanwhile
// only lowers the difference. Exited time only grows, so its running maximum over readings is a
// lower bound that catches up at the first reading without a tick in between (most of them).
// The process's CPU is then exited + the live threads' counts, kept monotone: as exact as the
// threads' own counts (each within one scheduler update while it runs).
void Target::read_cpu(TargetReading& out) {
  std::lock_guard<std::mutex> lock(cpu_mu_);
  const int64_t before = platform::monotonic_ns();
  const TargetCpuRead r = probe.read_cpu(out.threads);
  out.t_ns = platform::monotonic_ns();
  out.single_instant = single_instant(out.t_ns - before, out.threads.size());
  out.ok = r.ok;
  out.threads_ok = r.ok && r.threads_ok;
  out.cpu_ok = r.ok && (r.process_ok || r.threads_ok);
  if (!r.ok) {
    out.threads.clear();
    note_end(out.t_ns);
    return;
  }
  int64_t live = 0;
  for (const ThreadCpu& t : out.threads) live += t.cpu_ns;
  if (r.process_ok && r.threads_ok) exited_ns_ = std::max(exited_ns_, r.process_ns - live);
  const int64_t total = r.threads_ok ? exited_ns_ + live : r.process_ns;
  if (out.cpu_ok) {
    floor_ns_ = std::max(floor_ns_, total);
    out.cpu_ns = floor_ns_;
  }
  {
    std::lock_guard<std::mutex> last_lock(last_mu_);
    copy_reading(out, last_);
  }
  if (r.final) note_end(out.t_ns);
}

bool Target::read_rss(uint64_t& out) {
  if (!probe.rss_bytes(out)) {
    if (probe.state() != TargetState::kLive) note_end(platform::monotonic_ns());
    return false;
  }
  std::lock_guard<std::mutex> lock(last_mu_);
  last_rss_ = out;
  return true;
}

void Target::last(TargetReading& cpu, std::optional<uint64_t>& rss) const {
  std::lock_guard<std::mutex> lock(last_mu_);
  copy_reading(last_, cpu);
  rss = last_rss_;
}

void Target::detach() {
  if (readable()) {
    TargetReading final_reading;
    read_cpu(final_reading);
    uint64_t rss;
    read_rss(rss);
  }
  std::lock_guard<std::mutex> lock(last_mu_);
  detached_ = true;
  if (ended_ns_ == 0) ended_ns_ = platform::monotonic_ns();
}

bool Target::detached() const {
  std::lock_guard<std::mutex> lock(last_mu_);
  return detached_;
}

int64_t Target::ended_ns() const {
  std::lock_guard<std::mutex> lock(last_mu_);
  return ended_ns_;
}

bool Target::readable() const {
  const TargetState s = probe.state();
  return (s == TargetState::kLive || s == TargetState::kDenied) && !detached() && ended_ns() == 0;
}

void Target::note_end(int64_t t_ns) {
  std::lock_guard<std::mutex> lock(last_mu_);
  if (ended_ns_ == 0 && probe.state() != TargetState::kLive && probe.state() != TargetState::kDenied)
    ended_ns_ = t_ns;
}

TargetInfo describe(const Target& t) {
  TargetInfo i;
  i.pid = t.pid;
  i.name = t.probe.name();
  i.role = t.role;
  i.state = t.probe.state();
  i.detached = t.detached();
  i.reason = t.probe.reason();
  return i;
}

}  // namespace llmmon
