// Linux backend: procfs and the kernel's per-thread CPU clocks.
//
// Costs measured on a 2-vCPU VM: per-thread CPU clock ~1.4 us (a syscall), pread of a kept-open
// /proc/self/statm ~1.6 us, of /proc/self/stat ~3.5 us, listing /proc/self/task ~10 us. So files
// are opened once and re-read with pread (procfs regenerates a file on every read at offset 0),
// /proc/self/task stays open and is re-listed with getdents64 whenever a CPU reading cannot
// show it has every live thread without it (exact deltas need every live thread; see below),
// and thread names are cached and refreshed at about 10 Hz.
//
// A listing of /proc/self/task can miss live threads. The kernel walks the thread group from a
// position (proc_task_readdir: first_tid/next_tid): when the thread it stands on exits during the
// walk, the walk ends early, and the next getdents64 call resumes by counting positions from the
// group leader, which skips as many threads as have exited before that position. A live thread
// missing from a listing looks exited, and its whole CPU time would be added to the "exited"
// estimate (sampler.cpp), then counted again when it is listed next. So thread_cpu() never
// trusts one listing alone: threads seen at the previous reading are kept while their clock
// still answers (a per-thread clock answers only for a live thread of this process), and when
// fewer threads answered than the kernel counts in the group, the directory is listed again.
//
// Most readings need no listing at all: the threads of the previous reading are read first, and
// when every one of them answered and they are as many as the kernel counts in the group, they
// are every live thread (see thread_cpu). The count comes from the link count of the kept-open
// /proc/self/task (the kernel reports 2 + the group's threads: proc_task_getattr), one fstat
// (~1.5 us), instead of /proc/self/stat (~4 us); the listing costs ~5-10 us more.
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "platform.h"
#include "procfs.h"

namespace llmmon {

namespace {

constexpr int64_t kNsPerSec = 1000000000LL;

int64_t timespec_ns(const timespec& ts) { return int64_t(ts.tv_sec) * kNsPerSec + ts.tv_nsec; }

// The CPU clock of any thread of this process: what glibc's pthread_getcpuclockid() returns,
// but from a tid, so threads we did not create (libuv pool, V8 workers, llama.cpp) work too.
// Layout from the kernel's posix-cpu-timers: ~tid << 3 | CPUCLOCK_PERTHREAD (4) | CPUCLOCK_SCHED (2).
clockid_t thread_clock(pid_t tid) {
  return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
}

using procfs::errno_text;
using procfs::open_ro;
using procfs::pread_text;

// Value in kB of a "Key:   123 kB" line of /proc/meminfo.
bool meminfo_kb(const char* text, const char* key, uint64_t& out) {
  const char* p = std::strstr(text, key);
  if (p == nullptr) return false;
  p += std::strlen(key);
  char* end = nullptr;
  unsigned long long v = std::strtoull(p, &end, 10);
  if (end == p) return false;
  out = v;
  return true;
}

}  // namespace

struct ProcessProbe::State {
  long page_size = ::sysconf(_SC_PAGESIZE);
  int statm_fd = open_ro("/proc/self/statm");
  int stat_fd = open_ro("/proc/stat");
  int meminfo_fd = open_ro("/proc/meminfo");
  // `/proc/self` resolves when opened, so this names our process even when a worker thread
  // opened it. O_DIRECTORY: re-listed by lseek(0) + getdents64.
  int task_fd = ::open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int self_stat_fd = open_ro("/proc/self/stat");
  std::string statm_error = statm_fd < 0 ? errno_text("/proc/self/statm") : "";

  // Guards task_fd's file position, `listing` and the name cache. Held for microseconds;
  // never held while calling into JS.
  std::mutex mu;
  std::vector<pid_t> listing;  // rescan_threads()' scratch, kept for its capacity
  size_t last_count = 0;       // threads in the newest listing: a fresh buffer is sized once
  // Threads whose clock answered at the newest reading (sorted): a listing that skips one of
  // them cannot make it look exited. Readers that overlap merge into it (see thread_cpu).
  std::vector<pid_t> known;
  std::vector<pid_t> known_scratch;  // the next `known`, kept for its capacity
  uint64_t relists = 0;              // listings repeated because threads were unaccounted for
  std::unordered_map<pid_t, std::string> names;
  unsigned rescans = 0;

  ~State() {
    for (int fd : {statm_fd, stat_fd, meminfo_fd, task_fd, self_stat_fd})
      if (fd >= 0) ::close(fd);
  }

  // Calls add(tid) for every entry of /proc/self/task, in directory order. Caller holds `mu`.
  template <class Add>
  bool list_locked(Add&& add) {
    return procfs::list_numeric(task_fd, [&add](long n) { add(static_cast<pid_t>(n)); });
  }

  std::string read_comm(pid_t tid) { return procfs::read_comm(task_fd, tid); }

  // Whether the link count of task_fd is 2 + the thread count here (checked once against
  // /proc/self/stat at construction; a kernel that counts otherwise uses stat's num_threads).
  bool nlink_counts_threads = false;
};

ProcessProbe::~ProcessProbe() = default;

bool ProcessProbe::process_cpu_ns(int64_t& out) {
  timespec ts;
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return false;
  out = timespec_ns(ts);
  return true;
}

bool ProcessProbe::rss_bytes(uint64_t& out) {
  // statm: "size resident shared text lib data dt", in pages.
  char buf[128];
  if (pread_text(state_->statm_fd, buf, sizeof(buf)) <= 0) return false;
  char* end = nullptr;
  std::strtoull(buf, &end, 10);
  const char* resident = end;
  unsigned long long pages = std::strtoull(resident, &end, 10);
  if (end == resident) return false;
  out = uint64_t(pages) * uint64_t(state_->page_size);
  return true;
}

bool ProcessProbe::rss_high_water_bytes(uint64_t& out) {
  // ru_maxrss = max(the mm's recorded hiwater_rss, current RSS), kB: the same number as
  // VmHWM in /proc/self/status, for the price of one syscall. RUSAGE_THREAD reads the same
  // (process-wide) mm high-water mark without summing every thread's times as RUSAGE_SELF does.
  rusage ru;
  if (::getrusage(RUSAGE_THREAD, &ru) != 0 && ::getrusage(RUSAGE_SELF, &ru) != 0) return false;
  out = uint64_t(ru.ru_maxrss) * 1024u;
  return true;
}

bool ProcessProbe::footprint_bytes(uint64_t&) { return false; }

namespace {

bool by_tid(const ThreadCpu& a, const ThreadCpu& b) { return a.tid < b.tid; }

// Sorts out[from..] by tid and drops repeats and tids already in out[..from] (sorted).
void keep_new_tids(std::vector<ThreadCpu>& out, size_t from) {
  std::sort(out.begin() + long(from), out.end(), by_tid);
  size_t w = from;
  for (size_t i = from; i < out.size(); ++i) {
    if (w > from && out[w - 1].tid == out[i].tid) continue;
    if (std::binary_search(out.begin(), out.begin() + long(from), out[i], by_tid)) continue;
    out[w++] = out[i];
  }
  out.resize(w);
}

// Reads the clocks of out[from..] in place. A thread whose clock does not answer has exited since
// it was listed (a per-thread clock answers only for a live thread of this process): it is
// dropped from `out` and its tid added to `dead`.
void read_clocks(std::vector<ThreadCpu>& out, size_t from, std::vector<pid_t>& dead) {
  size_t kept = from;
  timespec ts;
  for (size_t i = from; i < out.size(); ++i) {
    if (::clock_gettime(thread_clock(static_cast<pid_t>(out[i].tid)), &ts) != 0) {
      dead.push_back(static_cast<pid_t>(out[i].tid));
      continue;
    }
    out[kept].tid = out[i].tid;
    out[kept].cpu_ns = timespec_ns(ts);
    ++kept;
  }
  out.resize(kept);
}

// Field 20 of /proc/<pid>/stat: num_threads.
bool stat_num_threads(int fd, long& out) {
  char buf[1024];
  long long n = 0;
  if (pread_text(fd, buf, sizeof(buf)) <= 0 || !procfs::stat_number(buf, 20, n)) return false;
  out = long(n);
  return true;
}

// The threads in the group from the link count of an open /proc/<pid>/task: 2 + the count.
bool nlink_num_threads(int task_fd, long& out) {
  struct stat st;
  if (task_fd < 0 || ::fstat(task_fd, &st) != 0 || st.st_nlink < 2) return false;
  out = long(st.st_nlink) - 2;
  return true;
}

// At most this many extra listings per reading when threads are still unaccounted for.
constexpr int kMaxRelists = 2;

}  // namespace

ProcessProbe::ProcessProbe() : state_(std::make_unique<State>()) {
  // The link count stands for the thread count only where it matches /proc/self/stat's (both
  // read twice around it, so a thread starting meanwhile cannot make a match by chance).
  State& s = *state_;
  for (int attempt = 0; attempt < 3 && !s.nlink_counts_threads; ++attempt) {
    long a = -1, b = -2, c = -3;
    s.nlink_counts_threads = stat_num_threads(s.self_stat_fd, a) && nlink_num_threads(s.task_fd, b) &&
                             stat_num_threads(s.self_stat_fd, c) && a == b && b == c;
  }
  rescan_threads();
}

bool ProcessProbe::thread_cpu(std::vector<ThreadCpu>& out) {
  State& s = *state_;
  const auto group_count = [&s](long& n) {
    return s.nlink_counts_threads ? nlink_num_threads(s.task_fd, n) : stat_num_threads(s.self_stat_fd, n);
  };
  out.clear();
  std::vector<pid_t> dead;
  // Without a listing: the previous reading's threads (`known`), copied before the kernel's
  // count is read, then their clocks. A clock that answers after the count belongs to a thread
  // that was alive when it was counted (it was seen before, and a thread does not come back), so
  // the threads that answered are among the ones counted; as many as counted, they are all of
  // them. Otherwise (a thread started or exited since) list the directory as below.
  {
    std::lock_guard<std::mutex> lock(s.mu);
    out.reserve(std::max(s.last_count, s.known.size()) + 4);
    for (pid_t tid : s.known) out.push_back({tid, 0});
  }
  long counted = 0;
  if (!out.empty() && group_count(counted)) {
    read_clocks(out, 0, dead);
    if (dead.empty() && long(out.size()) >= counted) return true;
  }
  // The list goes straight into `out` (the caller's buffer keeps its capacity between
  // readings), then the clocks are read outside the lock.
  out.clear();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    out.reserve(std::max(s.last_count, s.known.size()) + 4);  // one allocation, not one per doubling
    s.list_locked([&out](pid_t tid) { out.push_back({tid, 0}); });
    s.last_count = out.size();
    // The previous reading's threads: a listing that skipped one of them cannot make it look
    // exited (its clock still answers).
    for (pid_t tid : s.known) out.push_back({tid, 0});
  }
  keep_new_tids(out, 0);
  read_clocks(out, 0, dead);
  // Threads the kernel counts that neither this listing nor the previous reading had were started
  // since then and skipped: list again (a fresh walk) for them. A thread started after the clocks
  // were read also raises the count; it costs one listing more.
  long group = 0;
  for (int attempt = 0; attempt < kMaxRelists && group_count(group) && long(out.size()) < group;
       ++attempt) {
    const size_t before = out.size();
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.list_locked([&out](pid_t tid) { out.push_back({tid, 0}); });
      ++s.relists;
    }
    keep_new_tids(out, before);
    read_clocks(out, before, dead);
    std::inplace_merge(out.begin(), out.begin() + long(before), out.end(), by_tid);
  }
  {
    // Merged, not replaced: a reader that overlapped this one may have found a thread this one
    // missed. Threads this reading found alive join; threads it found dead leave.
    std::lock_guard<std::mutex> lock(s.mu);
    std::sort(dead.begin(), dead.end());
    std::vector<pid_t>& next = s.known_scratch;
    next.clear();
    auto k = s.known.begin();
    auto o = out.begin();
    while (k != s.known.end() || o != out.end()) {
      pid_t tid;
      if (o == out.end() || (k != s.known.end() && *k < o->tid)) {
        tid = *k++;
        if (std::binary_search(dead.begin(), dead.end(), tid)) continue;
      } else {
        tid = static_cast<pid_t>(o->tid);
        if (k != s.known.end() && *k == tid) ++k;
        ++o;
      }
      next.push_back(tid);
    }
    s.known.swap(next);
  }
  return !out.empty();
}

bool ProcessProbe::one_thread_cpu_ns(Tid tid, int64_t& out) {
  timespec ts;
  if (::clock_gettime(thread_clock(static_cast<pid_t>(tid)), &ts) != 0) return false;
  out = timespec_ns(ts);
  return true;
}

void ProcessProbe::rescan_threads() {
  State& s = *state_;
  std::vector<pid_t> unnamed;
  bool refresh_all;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    std::vector<pid_t>& live = s.listing;
    live.clear();
    if (!s.list_locked([&live](pid_t tid) { live.push_back(tid); })) return;
    std::sort(live.begin(), live.end());
    // Threads often name themselves just after they start, so names are re-read for all
    // threads once a second, and at once for threads not seen before.
    refresh_all = (s.rescans++ % 10) == 0;
    for (auto it = s.names.begin(); it != s.names.end();) {
      it = std::binary_search(live.begin(), live.end(), it->first) ? std::next(it) : s.names.erase(it);
    }
    for (pid_t tid : live)
      if (refresh_all || s.names.find(tid) == s.names.end()) unnamed.push_back(tid);
  }
  // File reads outside the lock: the JS thread may be opening a window meanwhile.
  std::vector<std::pair<pid_t, std::string>> read;
  read.reserve(unnamed.size());
  for (pid_t tid : unnamed) read.emplace_back(tid, s.read_comm(tid));
  std::lock_guard<std::mutex> lock(s.mu);
  for (auto& [tid, name] : read)
    if (!name.empty()) s.names[tid] = std::move(name);
}

std::string ProcessProbe::thread_name(Tid tid) {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.names.find(static_cast<pid_t>(tid));
    if (it != s.names.end()) return it->second;
  }
  std::string name = s.read_comm(static_cast<pid_t>(tid));
  if (!name.empty()) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.names[static_cast<pid_t>(tid)] = name;
  }
  return name;
}

bool ProcessProbe::system_cpu(CpuCounters& out) {
  // First line: "cpu  user nice system idle iowait irq softirq steal guest guest_nice" in
  // USER_HZ ticks (10 ms). guest time is already inside user, so it is not added again.
  char buf[512];
  if (pread_text(state_->stat_fd, buf, sizeof(buf)) <= 0) return false;
  if (std::strncmp(buf, "cpu ", 4) != 0) return false;
  unsigned long long v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const char* p = buf + 4;
  for (int i = 0; i < 8; ++i) {
    char* end = nullptr;
    v[i] = std::strtoull(p, &end, 10);
    if (end == p) {
      if (i < 4) return false;  // user, nice, system, idle are always there
      break;
    }
    p = end;
  }
  const uint64_t idle = v[3] + v[4];  // idle + iowait
  const uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  out.busy = busy;
  out.total = busy + idle;
  return true;
}

bool ProcessProbe::system_memory_percent(double& out) {
  char buf[4096];
  if (pread_text(state_->meminfo_fd, buf, sizeof(buf)) <= 0) return false;
  uint64_t total = 0;
  uint64_t available = 0;
  if (!meminfo_kb(buf, "MemTotal:", total) || !meminfo_kb(buf, "MemAvailable:", available)) return false;
  if (total == 0) return false;
  out = 100.0 * double(total - std::min(available, total)) / double(total);
  return true;
}

std::vector<Counter> ProcessProbe::counters() {
  State& s = *state_;
  auto counter = [](const char* name, bool ok, const char* source, std::string reason) {
    return Counter{name, ok, source, ok ? std::string() : std::move(reason)};
  };
  int64_t ns;
  uint64_t bytes;
  CpuCounters cpu;
  double pct;
  std::vector<ThreadCpu> threads;
  const bool threads_ok = thread_cpu(threads);
  const bool names_ok = threads_ok && !thread_name(threads.front().tid).empty();
  return {
      counter("process_cpu", process_cpu_ns(ns), "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)",
              errno_text("clock_gettime(CLOCK_PROCESS_CPUTIME_ID)")),
      counter("rss", rss_bytes(bytes), "/proc/self/statm (pread, every tick)",
              s.statm_error.empty() ? "/proc/self/statm: unreadable" : s.statm_error),
      counter("rss_high_water", rss_high_water_bytes(bytes), "getrusage(RUSAGE_THREAD).ru_maxrss (= VmHWM)",
              errno_text("getrusage")),
      counter("footprint", false, "",
              "macOS only (Mach phys_footprint); Linux has no such counter, use rss"),
      counter("thread_cpu", threads_ok, "clock_gettime(per-thread CPU clock) over /proc/self/task",
              "/proc/self/task is not readable or no thread CPU clock answered"),
      counter("thread_names", names_ok, "/proc/self/task/<tid>/comm", "/proc/self/task/<tid>/comm is not readable"),
      counter("system_cpu", system_cpu(cpu), "/proc/stat (cpu line, 10 ms jiffies)",
              "/proc/stat is not readable or has no cpu line"),
      counter("system_memory", system_memory_percent(pct), "/proc/meminfo (MemTotal - MemAvailable)",
              "/proc/meminfo is not readable or has no MemAvailable (kernel < 3.14)"),
  };
}

namespace platform {

int64_t monotonic_ns() {
  // libuv's uv__hrtime(UV_CLOCK_PRECISE) on Linux reads exactly this clock.
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return timespec_ns(ts);
}

const char* clock_name() { return "CLOCK_MONOTONIC"; }

const char* backend_name() { return "linux-procfs"; }

void sleep_until(int64_t deadline_ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(deadline_ns / kNsPerSec);
  ts.tv_nsec = static_cast<long>(deadline_ns % kNsPerSec);
  // Absolute deadline: a late wake-up does not push the next one back (no drift).
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

Tid current_thread_id() { return static_cast<Tid>(::syscall(SYS_gettid)); }

void name_current_thread(const char* name) {
  char buf[16];  // the kernel keeps 15 bytes + NUL
  std::snprintf(buf, sizeof(buf), "%s", name);
  ::pthread_setname_np(::pthread_self(), buf);
}

std::string request_prompt_wakeups() {
  // Since Linux 6.12 a SCHED_OTHER thread may ask for a shorter time slice
  // (sched_attr.sched_runtime, clamped to 0.1-100 ms), and EEVDF then lets it preempt
  // longer-slice threads when it wakes (PREEMPT_SHORT). No privilege is needed: priority
  // (nice) is unchanged. A 1 kHz sampler runs ~10 us per tick, so a 0.1 ms slice is plenty,
  // and a busy machine delays its ticks less. Older kernels ignore the field.
  struct SchedAttr {  // struct sched_attr, SCHED_ATTR_SIZE_VER0 (48 bytes)
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
  };
  static_assert(sizeof(SchedAttr) == 48, "sched_attr VER0 is 48 bytes");
#ifdef SYS_sched_setattr
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  if (errno != 0) return errno_text("getpriority");
  SchedAttr attr{};
  attr.size = sizeof(attr);
  attr.sched_policy = 0;  // SCHED_OTHER
  attr.sched_nice = nice;
  attr.sched_runtime = 100000;  // 0.1 ms
  if (::syscall(SYS_sched_setattr, 0, &attr, 0u) != 0) return errno_text("sched_setattr(slice 0.1 ms)");
  return "sched_setattr: SCHED_OTHER slice 0.1 ms (kernel >= 6.12 wakes the sampler promptly)";
#else
  return "sched_setattr not available at build time";
#endif
}

}  // namespace platform

}  // namespace llmmon
