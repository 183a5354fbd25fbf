// Another process's counters: the processes a Sampler is attached to ("targets"), read from
// outside. One implementation per platform, chosen by CMake like platform.h:
//   target_linux.cpp   procfs (/proc/<pid>/...) and the process CPU clock
//   target_darwin.cpp  libproc (proc_pidinfo, proc_pid_rusage)
//
// What differs from reading our own process (ProcessProbe), and the rules each file keeps:
//  - Per-thread CPU. No OS lets a process read another process's per-thread CPU clocks (Linux
//    answers clock_gettime on a per-thread clock id only inside the thread's own process). Linux
//    reads the scheduler's own count, /proc/<pid>/task/<tid>/schedstat (first field, ns). The
//    kernel brings that count up to date only at scheduler ticks and context switches, so for a
//    thread that is running at the moment of reading it lags by up to one tick (4 ms at HZ=250;
//    up to ~12 ms seen on a loaded 2-vCPU VM, where ticks are late). Reading a per-thread clock,
//    as ProcessProbe does, brings the count up to date first: own threads are exact at every
//    reading, a target's threads only when they are not running (a thread that blocked or was
//    preempted was brought up to date when it stopped). macOS: proc_pidinfo(PROC_PIDTHREADINFO),
//    microseconds, current.
//  - Process CPU (every thread, including threads that exited): Linux's process CPU clock of the
//    pid (clock_getcpuclockid; readable for any process, ns, the same lag as schedstat), macOS
//    proc_pidinfo(PROC_PIDTASKINFO).pti_total_user + pti_total_system. It is read FIRST at a
//    reading, then the threads (see Target::read_cpu for why).
//  - Identity. A pid is reused once its process is gone and reaped. Linux opens /proc/<pid> once
//    at attach and every file relative to it: a reused pid is a new directory, so reads of the
//    old one fail with ESRCH instead of reading a stranger. macOS compares the start time
//    (PROC_PIDTBSDINFO) at every CPU reading.
//  - Exit. Every read that finds the process gone makes the state kExited for good; nothing is
//    read after that (the Sampler keeps the last figures read while it lived).
//  - Permission. Linux lets any user read another user's schedstat, stat, statm, status and comm,
//    unless /proc is mounted with hidepid (then the pid's directory is hidden or refuses access:
//    kDenied, only the process CPU clock still answers). Yama's ptrace_scope restricts attaching
//    (PTRACE_MODE_ATTACH) and none of these files need that. macOS answers proc_pidinfo for
//    processes of the same user only (root: any): kDenied otherwise.
//  - Threads: every method may be called from the sampling thread and the owning JS thread at
//    once; implementations guard their own state.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gpu.h"
#include "platform.h"

namespace llmmon {

enum class TargetState : uint8_t {
  kLive,      // the process answers (some figures may still be unreadable: reason() says which)
  kExited,    // it was seen, then found gone (final)
  kDenied,    // the OS refuses to show it to this user (final; the process CPU may still answer)
  kNotFound,  // no such process when it was attached (final)
};

// "ok", "exited", "permission_denied", "not_found": the `status` of WindowStats.targets.
const char* target_state_name(TargetState s);

// What both platforms' probes keep about a target besides its counters: its state, the reason,
// its name. Thread-safe (target.cpp).
class TargetStatus {
 public:
  TargetState state() const { return state_.load(); }
  std::string reason() const;
  std::string name() const;
  // At attach: the state found and why, the process's name.
  void set(TargetState s, std::string why);
  void set_name(std::string name);
  // The first time the process is found gone (or forbidden): the state and its reason, for good.
  // Only a live or denied target moves (a denied one may still exit).
  void end(TargetState s, std::string why);

 private:
  std::atomic<TargetState> state_{TargetState::kLive};
  mutable std::mutex mu_;
  std::string reason_;
  std::string name_;
};

// One CPU reading of a target (TargetProbe::read_cpu).
struct TargetCpuRead {
  bool ok = false;        // the process answered: the figures below are its own
  bool final = false;     // it has stopped running (Linux zombie): these are its last, exact figures
  bool process_ok = false;
  int64_t process_ns = 0;  // CPU time of every thread, exited ones included
  bool threads_ok = false;  // `threads` holds every live thread (else unknown: reason() says why)
};

class TargetProbe {
 public:
  // Opens what it keeps open and reads the process's name; never throws for a missing or
  // forbidden process: state() says what happened.
  explicit TargetProbe(Pid pid);
  ~TargetProbe();
  TargetProbe(const TargetProbe&) = delete;
  TargetProbe& operator=(const TargetProbe&) = delete;

  Pid pid() const { return pid_; }
  TargetState state() const { return status_.state(); }
  // One line: why the state is not kLive, or which figures cannot be read while it lives;
  // empty when everything is readable.
  std::string reason() const { return status_.reason(); }
  // The process's name at attach (Linux comm, macOS p_comm); empty when unknown.
  std::string name() const { return status_.name(); }

  // The process CPU, then every live thread's CPU (sorted by tid, `threads` reused).
  TargetCpuRead read_cpu(std::vector<ThreadCpu>& threads);
  // Resident set size now (every tick). false: unreadable now (exited, denied, a zombie that
  // no longer has memory, a kernel thread).
  bool rss_bytes(uint64_t& out);
  // The kernel's high-water mark of the process's RSS (Linux VmHWM); false where there is none.
  bool rss_high_water_bytes(uint64_t& out);
  // The process's cumulative energy, microjoules (macOS proc_pid_rusage ri_energy_nj); false
  // where the OS does not count energy per process.
  bool energy_uj(uint64_t& out);
  // Thread names: new threads named at once, all refreshed now and then (call at ~10 Hz).
  void rescan_threads();
  std::string thread_name(Tid tid);

  // Availability of each target counter on this platform (capabilities()), whatever the process.
  static std::vector<Counter> counters();

  struct State;  // defined by the platform file

 private:
  const Pid pid_;
  TargetStatus status_;
  std::unique_ptr<State> state_;
};

}  // namespace llmmon
