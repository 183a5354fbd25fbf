#include "process_cpu.h"

#include <algorithm>

namespace llmmon {

int64_t ProcessCpuEstimate::update(const std::vector<ThreadCpu>& threads, bool listed, int64_t process_ns,
                                   bool process_ok, bool single_instant) {
  int64_t live = 0;
  for (const ThreadCpu& t : threads) live += t.cpu_ns;
  if (listed) {
    // Threads of the previous listing that are gone (or whose tid now names a younger thread,
    // its clock lower) exited in between with at least their last known CPU time.
    int64_t vanished = 0;
    auto c = threads.begin();
    for (const ThreadCpu& p : last_) {
      while (c != threads.end() && c->tid < p.tid) ++c;
      if (c == threads.end() || c->tid != p.tid || c->cpu_ns < p.cpu_ns) vanished += p.cpu_ns;
    }
    exited_ns_ += vanished;
    last_ = threads;
  }
  if (process_ok && single_instant) exited_ns_ = std::max(exited_ns_, process_ns - live);
  floor_ns_ = std::max(floor_ns_, exited_ns_ + live);
  return floor_ns_;
}

}  // namespace llmmon
