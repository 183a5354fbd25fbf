// macOS targets: libproc (rules: target.h). Compile-checked on Linux against a macOS SDK
// (scripts/check-darwin-syntax.sh); built and run on macOS CI.
//
// What each figure reads:
//  - process CPU: proc_pidinfo(PROC_PIDTASKINFO).pti_total_user + pti_total_system, every thread
//    including terminated ones, in Mach time units (ns on Intel, ticks of the timebase on Apple
//    silicon: converted), current at the call;
//  - threads: proc_pidinfo(PROC_PIDLISTTHREADS) lists thread handles (the pthread handle of each
//    thread, which is what `tid` holds for a target on macOS, not the 64-bit thread id), then
//    proc_pidinfo(PROC_PIDTHREADINFO, handle): pth_user_time + pth_system_time (ns, microsecond
//    resolution) and pth_name;
//  - RSS: PROC_PIDTASKINFO.pti_resident_size (every tick: one call);
//  - energy: proc_pid_rusage(RUSAGE_INFO_V6).ri_energy_nj (macOS 12+, Apple silicon; 0 where the
//    hardware does not count it, which is taken as unavailable, not as 0 joules);
//  - identity: the start time from PROC_PIDTBSDINFO, compared at every CPU reading.
// PROC_PIDTBSDINFO answers for any process; PROC_PIDTASKINFO, the thread calls and
// proc_pid_rusage only for processes of the same user (or to root): kDenied otherwise.
#include <errno.h>
#include <libproc.h>
#include <sys/proc_info.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "darwin_time.h"
#include "target.h"

namespace llmmon {

namespace {

bool bsd_info(int pid, proc_bsdinfo& out) {
  return proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &out, int(sizeof(out))) == int(sizeof(out));
}

bool task_info_of(int pid, proc_taskinfo& out) {
  return proc_pidinfo(pid, PROC_PIDTASKINFO, 0, &out, int(sizeof(out))) == int(sizeof(out));
}

std::string name_of(const proc_bsdinfo& b) {
  const char* n = b.pbi_name[0] != '\0' ? b.pbi_name : b.pbi_comm;
  return std::string(n, ::strnlen(n, b.pbi_name[0] != '\0' ? sizeof(b.pbi_name) : sizeof(b.pbi_comm)));
}

}  // namespace

struct TargetProbe::State {
  explicit State(TargetStatus& target_status) : status(target_status) {}

  TargetStatus& status;
  int pid = 0;
  uint64_t start_sec = 0;
  uint64_t start_usec = 0;

  mutable std::mutex mu;  // everything below
  std::vector<uint64_t> handles;  // scratch
  std::unordered_map<Tid, std::string> names;

  // After a failed call: the process is gone (ESRCH), forbidden (EPERM), or was replaced.
  void failed(int e) {
    if (e == EPERM || e == EACCES)
      status.end(TargetState::kDenied,
                 "pid " + std::to_string(pid) +
                     " belongs to another user: macOS shows its CPU, threads and memory only to that user or root");
    else
      status.end(TargetState::kExited, "the process exited");
  }

  // Whether the pid still names the process attached (not a new one that reused the pid).
  bool same_process() {
    proc_bsdinfo b;
    if (!bsd_info(pid, b)) return false;
    return b.pbi_start_tvsec == start_sec && b.pbi_start_tvusec == start_usec;
  }
};

TargetProbe::TargetProbe(Pid pid) : pid_(pid), state_(std::make_unique<State>(status_)) {
  State& s = *state_;
  s.pid = int(pid);
  proc_bsdinfo b;
  if (!bsd_info(s.pid, b)) {
    if (errno == EPERM || errno == EACCES)
      status_.set(TargetState::kDenied, "pid " + std::to_string(pid) + ": permission denied");
    else
      status_.set(TargetState::kNotFound, "no process with pid " + std::to_string(pid));
    return;
  }
  s.start_sec = b.pbi_start_tvsec;
  s.start_usec = b.pbi_start_tvusec;
  status_.set_name(name_of(b));
  proc_taskinfo t;
  if (!task_info_of(s.pid, t)) s.failed(errno);
}

TargetProbe::~TargetProbe() = default;

TargetCpuRead TargetProbe::read_cpu(std::vector<ThreadCpu>& threads) {
  State& s = *state_;
  TargetCpuRead r;
  threads.clear();
  if (status_.state() != TargetState::kLive) return r;
  proc_taskinfo t;
  if (!task_info_of(s.pid, t)) {
    s.failed(errno);
    return r;
  }
  r.process_ok = true;
  r.process_ns = int64_t(darwin::ticks_to_ns(t.pti_total_user + t.pti_total_system));
  {
    std::lock_guard<std::mutex> lock(s.mu);
    // Room for threads started since the count was taken; a fuller buffer is read again larger.
    for (size_t room = size_t(std::max(t.pti_threadnum, 1)) + 8;; room *= 2) {
      s.handles.resize(room);
      const int bytes = proc_pidinfo(s.pid, PROC_PIDLISTTHREADS, 0, s.handles.data(), int(room * sizeof(uint64_t)));
      if (bytes <= 0) break;
      const size_t n = size_t(bytes) / sizeof(uint64_t);
      if (n < room) {
        s.handles.resize(n);
        r.threads_ok = true;
        break;
      }
    }
    if (r.threads_ok) {
      for (uint64_t handle : s.handles) {
        proc_threadinfo th;
        // A thread can end between the listing and this call: skipped.
        if (proc_pidinfo(s.pid, PROC_PIDTHREADINFO, handle, &th, int(sizeof(th))) != int(sizeof(th))) continue;
        const Tid tid = Tid(handle);
        threads.push_back({tid, int64_t(th.pth_user_time + th.pth_system_time)});
        if (s.names.find(tid) == s.names.end())
          s.names.emplace(tid, std::string(th.pth_name, ::strnlen(th.pth_name, sizeof(th.pth_name))));
      }
    }
  }
  std::sort(threads.begin(), threads.end(), [](const ThreadCpu& a, const ThreadCpu& b) { return a.tid < b.tid; });
  // Read after the counters: if the pid still names the same process, they were its own.
  if (!s.same_process()) {
    status_.end(TargetState::kExited, "the process exited");
    threads.clear();
    return TargetCpuRead();
  }
  r.ok = true;
  return r;
}

bool TargetProbe::rss_bytes(uint64_t& out) {
  State& s = *state_;
  if (status_.state() != TargetState::kLive) return false;
  proc_taskinfo t;
  if (!task_info_of(s.pid, t)) {
    s.failed(errno);
    return false;
  }
  out = t.pti_resident_size;
  return true;
}

bool TargetProbe::rss_high_water_bytes(uint64_t&) { return false; }

bool TargetProbe::energy_uj(uint64_t& out) {
  State& s = *state_;
  if (status_.state() != TargetState::kLive) return false;
  rusage_info_v6 ri;
  if (proc_pid_rusage(s.pid, RUSAGE_INFO_V6, reinterpret_cast<rusage_info_t*>(&ri)) != 0 || ri.ri_energy_nj == 0)
    return false;
  out = ri.ri_energy_nj / 1000;
  return true;
}

void TargetProbe::rescan_threads() {
  // Names come with every CPU reading (pth_name); threads rename themselves, so the cache is
  // emptied now and then and refilled by the next reading.
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  s.names.clear();
}

std::string TargetProbe::thread_name(Tid tid) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.names.find(tid);
    if (it != s.names.end()) return it->second;
  }
  proc_threadinfo th;
  if (proc_pidinfo(s.pid, PROC_PIDTHREADINFO, uint64_t(tid), &th, int(sizeof(th))) != int(sizeof(th))) return {};
  std::string name(th.pth_name, ::strnlen(th.pth_name, sizeof(th.pth_name)));
  std::lock_guard<std::mutex> lock(s.mu);
  s.names[tid] = name;
  return name;
}

std::vector<Counter> TargetProbe::counters() {
  auto yes = [](const char* name, const char* source) { return Counter{name, true, source, ""}; };
  return {
      yes("target_cpu", "proc_pidinfo(PROC_PIDTASKINFO) pti_total_user + pti_total_system (same user or root)"),
      yes("target_thread_cpu", "proc_pidinfo(PROC_PIDLISTTHREADS, PROC_PIDTHREADINFO) (same user or root)"),
      yes("target_thread_names", "proc_pidinfo(PROC_PIDTHREADINFO).pth_name"),
      yes("target_rss", "proc_pidinfo(PROC_PIDTASKINFO).pti_resident_size (every tick)"),
      Counter{"target_rss_high_water", false, "",
              "macOS has no readable high-water mark of another process's RSS: peaks come from the ticks"},
      yes("target_energy", "proc_pid_rusage(RUSAGE_INFO_V6).ri_energy_nj (Apple silicon, macOS 12+)"),
  };
}

}  // namespace llmmon
