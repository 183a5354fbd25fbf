// Linux targets: procfs files of another process, and its process CPU clock (rules: target.h).
//
// Files kept open (relative to /proc/<pid>, opened once at attach): stat (state, thread count),
// statm (RSS, every tick), status (VmHWM, at window open and close), task/ (the thread list),
// and one task/<tid>/schedstat per thread (up to kMaxThreadFds), so a reading costs one pread
// per thread. A kept fd of a thread that exited reads ESRCH: it is closed and the thread dropped.
// Like /proc/self/task (platform_linux.cpp), a listing of task/ can skip live threads while
// others exit; the kept fds of the previous reading's threads still answer, and when fewer
// threads answered than stat's num_threads the directory is listed again.
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "procfs.h"
#include "target.h"

namespace llmmon {

namespace {

using procfs::pread_text;

constexpr size_t kMaxThreadFds = 512;  // beyond: open, read, close (fds are a per-process budget)
constexpr int kMaxRelists = 2;

bool by_tid(const ThreadCpu& a, const ThreadCpu& b) { return a.tid < b.tid; }

bool permission_errno(int e) { return e == EACCES || e == EPERM; }

// First field of a schedstat line: the thread's sum_exec_runtime, ns.
bool parse_schedstat(const char* text, int64_t& ns, long long& switches) {
  char* end = nullptr;
  const unsigned long long sum = std::strtoull(text, &end, 10);
  if (end == text) return false;
  const char* p = end;
  std::strtoull(p, &end, 10);  // run_delay
  p = end;
  switches = std::strtoll(p, &end, 10);  // pcount: times it got a CPU
  if (end == p) switches = -1;
  ns = int64_t(sum);
  return true;
}

}  // namespace

struct TargetProbe::State {
  explicit State(TargetStatus& target_status) : status(target_status) {}

  TargetStatus& status;
  pid_t pid = 0;
  long page_size = ::sysconf(_SC_PAGESIZE);
  int dir_fd = -1;
  int stat_fd = -1;
  int statm_fd = -1;
  int status_fd = -1;
  int task_fd = -1;
  clockid_t clock = 0;
  bool clock_ok = false;
  bool user_memory = true;  // false: a kernel thread (no mm: statm reads 0)
  bool threads_ok = true;   // schedstat is readable here (fixed at attach)

  // Guards everything below and task_fd's file position. Held for the file reads of one
  // listing; never while calling out.
  mutable std::mutex mu;
  std::vector<std::pair<pid_t, int>> thread_fds;  // schedstat fds, sorted by tid
  std::vector<long> listing;                      // scratch
  std::vector<std::pair<pid_t, int>> next_fds;    // scratch
  std::unordered_map<pid_t, std::string> names;
  unsigned rescans = 0;

  ~State() {
    for (auto& t : thread_fds) ::close(t.second);
    for (int fd : {stat_fd, statm_fd, status_fd, task_fd, dir_fd})
      if (fd >= 0) ::close(fd);
  }

  void gone() { status.end(TargetState::kExited, "the process exited"); }

  int open_in_dir(const char* path, int flags = O_RDONLY) {
    return ::openat(dir_fd, path, flags | O_CLOEXEC);
  }

  // Why /proc/<pid> could not be opened: the process does not exist, or /proc hides it.
  void not_opened(int e) {
    if (permission_errno(e)) {
      status.set(TargetState::kDenied, "/proc/" + std::to_string(pid) +
                                           " refuses access (procfs mounted with hidepid): threads and memory are unreadable");
      return;
    }
    // hidepid=invisible (2) hides the directory altogether: kill(pid, 0) still tells a process of
    // another user (EPERM) from none (ESRCH).
    if (::kill(pid, 0) != 0 && errno == EPERM) {
      status.set(TargetState::kDenied,
                 "/proc/" + std::to_string(pid) +
                     " is hidden from this user (procfs mounted with hidepid=invisible): threads and memory are unreadable");
      return;
    }
    status.set(TargetState::kNotFound, "no process with pid " + std::to_string(pid));
  }

  // Reads stat: its state letter and thread count. false: the process is gone (or unreadable).
  bool read_stat(char& letter, long& threads) {
    char buf[1024];
    if (pread_text(stat_fd, buf, sizeof(buf)) <= 0) return false;
    const char* s = procfs::stat_field(buf, 3);
    long long n = 0;
    if (s == nullptr || !procfs::stat_number(buf, 20, n)) return false;
    letter = *s;
    threads = long(n);
    return true;
  }

  // The thread's CPU from its kept schedstat fd (opened on first use). false: it has exited.
  bool read_thread(pid_t tid, int& fd, int64_t& ns) {
    char buf[128];
    long long switches = 0;
    if (fd < 0) {
      char path[48];
      std::snprintf(path, sizeof(path), "%d/schedstat", static_cast<int>(tid));
      fd = ::openat(task_fd, path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) return false;
    }
    return pread_text(fd, buf, sizeof(buf)) > 0 && parse_schedstat(buf, ns, switches);
  }

  // Every live thread's CPU into `out` (sorted). Caller holds `mu`. false: task/ is gone.
  bool read_threads(std::vector<ThreadCpu>& out, long expected) {
    out.clear();
    next_fds.clear();
    bool listed = false;
    for (int attempt = 0; attempt <= kMaxRelists; ++attempt) {
      listing.clear();
      if (!procfs::list_numeric(task_fd, [this](long tid) { listing.push_back(tid); })) break;
      listed = true;
      // The previous reading's threads too: a listing that skipped one cannot make it look exited.
      for (const auto& t : thread_fds) listing.push_back(t.first);
      std::sort(listing.begin(), listing.end());
      listing.erase(std::unique(listing.begin(), listing.end()), listing.end());
      const long read_before = long(out.size());  // threads read by earlier attempts (sorted)
      for (long tid : listing) {
        if (std::binary_search(out.begin(), out.begin() + read_before, ThreadCpu{tid, 0}, by_tid)) continue;
        auto kept = std::lower_bound(thread_fds.begin(), thread_fds.end(), std::make_pair(pid_t(tid), -1));
        int fd = kept != thread_fds.end() && kept->first == tid ? std::exchange(kept->second, -1) : -1;
        int64_t ns = 0;
        // A kept fd that no longer answers belonged to a thread that exited; a listed tid may be a
        // new thread with the same id: opened afresh once.
        bool ok = read_thread(pid_t(tid), fd, ns);
        if (!ok && fd >= 0) {
          ::close(fd);
          fd = -1;
          ok = read_thread(pid_t(tid), fd, ns);
        }
        if (!ok) {
          if (fd >= 0) ::close(fd);
          continue;
        }
        out.push_back({tid, ns});
        if (next_fds.size() < kMaxThreadFds) {
          next_fds.emplace_back(pid_t(tid), fd);
        } else {
          ::close(fd);
        }
      }
      std::sort(out.begin(), out.end(), by_tid);
      if (long(out.size()) >= expected) break;
    }
    for (auto& t : thread_fds)
      if (t.second >= 0) ::close(t.second);  // threads no longer seen
    std::sort(next_fds.begin(), next_fds.end());
    thread_fds.swap(next_fds);
    return listed;
  }
};

TargetProbe::TargetProbe(Pid pid) : pid_(pid), state_(std::make_unique<State>(status_)) {
  State& s = *state_;
  s.pid = static_cast<pid_t>(pid);
  // The process CPU clock answers for any process of this pid namespace, hidden or not.
  s.clock_ok = ::clock_getcpuclockid(s.pid, &s.clock) == 0;
  const std::string dir = "/proc/" + std::to_string(pid);
  s.dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s.dir_fd < 0) {
    s.not_opened(errno);
    timespec ts;
    if (s.status.state() == TargetState::kDenied && !(s.clock_ok && ::clock_gettime(s.clock, &ts) == 0))
      s.clock_ok = false;
    return;
  }
  s.stat_fd = s.open_in_dir("stat");
  s.statm_fd = s.open_in_dir("statm");
  s.status_fd = s.open_in_dir("status");
  s.task_fd = s.open_in_dir("task", O_RDONLY | O_DIRECTORY);
  if (s.stat_fd < 0 || s.statm_fd < 0 || s.task_fd < 0) {
    if (permission_errno(errno))
      status_.set(TargetState::kDenied, procfs::errno_text((dir + "/stat, statm or task").c_str()));
    else
      status_.set(TargetState::kExited, "the process exited while it was being attached");
    return;
  }
  status_.set_name(procfs::read_comm(s.task_fd, s.pid));  // the leader's comm is the process's name
  // /proc/<tid> opens for any thread too, but a process CPU clock exists only for a process.
  if (!s.clock_ok) {
    char status[4096];
    const char* tgid = pread_text(s.status_fd, status, sizeof(status)) > 0 ? std::strstr(status, "Tgid:") : nullptr;
    const long leader = tgid ? std::strtol(tgid + 5, nullptr, 10) : 0;
    if (leader > 0 && leader != s.pid) {
      status_.set(TargetState::kNotFound, "pid " + std::to_string(pid) + " is a thread of process " +
                                              std::to_string(leader) + ": attach " + std::to_string(leader));
      return;
    }
  }
  char letter = 0;
  long threads = 0;
  if (!s.read_stat(letter, threads)) {
    status_.set(TargetState::kExited, "the process exited while it was being attached");
    return;
  }
  if (letter == 'Z' || letter == 'X') {
    status_.set(TargetState::kExited, "the process had already exited (a zombie) when it was attached");
    return;
  }
  char buf[128];
  s.user_memory = pread_text(s.statm_fd, buf, sizeof(buf)) > 0 && std::strtoull(buf, nullptr, 10) > 0;
  if (!s.user_memory) status_.set(TargetState::kLive, "a kernel thread: no memory of its own (rss null)");
  // Kernels whose scheduler does not keep these counts print "0 0 0" for every thread
  // (sched_info off); a thread that exists has run at least once, so its count of CPU slots
  // (third field) cannot be 0.
  int fd = -1;
  int64_t ns = 0;
  long long switches = 0;
  char path[48];
  std::snprintf(path, sizeof(path), "%d/schedstat", s.pid);
  fd = ::openat(s.task_fd, path, O_RDONLY | O_CLOEXEC);
  const bool schedstat_ok = fd >= 0 && pread_text(fd, buf, sizeof(buf)) > 0 && parse_schedstat(buf, ns, switches);
  if (fd >= 0) ::close(fd);
  if (!schedstat_ok || switches == 0) {
    s.threads_ok = false;
    status_.set(TargetState::kLive,
                !schedstat_ok ? "no /proc/<pid>/task/<tid>/schedstat here (kernel without CONFIG_SCHED_INFO): per-thread CPU is null"
                              : "schedstat reads 0 here (scheduler statistics off): per-thread CPU is null");
  }
}

TargetProbe::~TargetProbe() = default;

TargetCpuRead TargetProbe::read_cpu(std::vector<ThreadCpu>& threads) {
  State& s = *state_;
  TargetCpuRead r;
  threads.clear();
  const TargetState st = status_.state();
  if (st == TargetState::kExited || st == TargetState::kNotFound) return r;
  timespec ts;
  if (s.clock_ok) {
    if (::clock_gettime(s.clock, &ts) == 0) {
      r.process_ok = true;
      r.process_ns = int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
    } else {
      // The pid no longer names a process.
      s.gone();
      return r;
    }
  }
  if (st == TargetState::kDenied) {
    r.ok = r.process_ok;
    return r;
  }
  // stat through the fd kept since attach: if it answers, the process read above by its pid was
  // still this one (a pid is reused only after its process is reaped).
  char letter = 0;
  long expected = 0;
  if (!s.read_stat(letter, expected)) {
    s.gone();
    return r;
  }
  r.final = letter == 'Z' || letter == 'X';
  if (s.threads_ok) {
    std::lock_guard<std::mutex> lock(s.mu);
    r.threads_ok = s.read_threads(threads, r.final ? 0 : expected);
  }
  if (s.threads_ok && !r.threads_ok && !r.final) {
    s.gone();  // task/ vanished: the process was reaped meanwhile
    return r;
  }
  r.ok = true;
  // A zombie's counts are final and exact (nothing runs): this reading is its last.
  if (r.final) status_.end(TargetState::kExited, "the process exited");
  return r;
}

bool TargetProbe::rss_bytes(uint64_t& out) {
  State& s = *state_;
  if (status_.state() != TargetState::kLive || !s.user_memory) return false;
  char buf[128];
  if (pread_text(s.statm_fd, buf, sizeof(buf)) <= 0) {
    if (errno == ESRCH) s.gone();
    return false;
  }
  // statm: "size resident shared text lib data dt", pages. A zombie has no memory left ("0 0 ..."):
  // not a reading (the next CPU reading takes its final figures and ends it).
  char* end = nullptr;
  const unsigned long long size = std::strtoull(buf, &end, 10);
  const char* resident = end;
  const unsigned long long pages = std::strtoull(resident, &end, 10);
  if (end == resident || size == 0) return false;
  out = uint64_t(pages) * uint64_t(s.page_size);
  return true;
}

bool TargetProbe::rss_high_water_bytes(uint64_t& out) {
  State& s = *state_;
  if (status_.state() != TargetState::kLive || !s.user_memory) return false;
  char buf[4096];
  if (pread_text(s.status_fd, buf, sizeof(buf)) <= 0) return false;
  const char* p = std::strstr(buf, "VmHWM:");
  if (p == nullptr) return false;
  char* end = nullptr;
  const unsigned long long kb = std::strtoull(p + 6, &end, 10);
  if (end == p + 6) return false;
  out = uint64_t(kb) * 1024u;
  return true;
}

bool TargetProbe::energy_uj(uint64_t&) { return false; }

void TargetProbe::rescan_threads() {
  State& s = *state_;
  if (status_.state() != TargetState::kLive || s.task_fd < 0) return;
  std::vector<long> live;
  std::vector<long> unnamed;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!procfs::list_numeric(s.task_fd, [&live](long tid) { live.push_back(tid); })) return;
    std::sort(live.begin(), live.end());
    const bool refresh_all = (s.rescans++ % 10) == 0;  // threads rename themselves: all once a second
    for (auto it = s.names.begin(); it != s.names.end();)
      it = std::binary_search(live.begin(), live.end(), long(it->first)) ? std::next(it) : s.names.erase(it);
    for (long tid : live)
      if (refresh_all || s.names.find(pid_t(tid)) == s.names.end()) unnamed.push_back(tid);
  }
  std::vector<std::pair<pid_t, std::string>> read;
  for (long tid : unnamed) read.emplace_back(pid_t(tid), procfs::read_comm(s.task_fd, tid));
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& [tid, name] : read)
    if (!name.empty()) s.names[tid] = std::move(name);
}

std::string TargetProbe::thread_name(Tid tid) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.names.find(pid_t(tid));
    if (it != s.names.end()) return it->second;
  }
  if (s.task_fd < 0) return {};
  std::string name = procfs::read_comm(s.task_fd, long(tid));
  if (!name.empty()) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.names[pid_t(tid)] = name;
  }
  return name;
}

std::vector<Counter> TargetProbe::counters() {
  auto yes = [](const char* name, const char* source) { return Counter{name, true, source, ""}; };
  return {
      yes("target_cpu", "process CPU clock of the pid (clock_getcpuclockid; ns, scheduler-tick lag) + schedstat"),
      yes("target_thread_cpu", "/proc/<pid>/task/<tid>/schedstat (ns; lags up to one scheduler tick for a running thread)"),
      yes("target_thread_names", "/proc/<pid>/task/<tid>/comm"),
      yes("target_rss", "/proc/<pid>/statm (pread, every tick)"),
      yes("target_rss_high_water", "/proc/<pid>/status VmHWM"),
      Counter{"target_energy", false, "", "Linux counts no energy per process (RAPL is per package)"},
  };
}

}  // namespace llmmon
