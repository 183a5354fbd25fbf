// The one interface between the portable sampler and the operating system.
//
// Exactly one implementation is compiled into the addon, chosen by CMake:
//   platform_linux.cpp   procfs + per-thread CPU clocks
//   platform_darwin.cpp  Mach task/thread/host info
// (nvtop's shape: one file per platform behind one small surface.)
//
// Every reading returns `false` when the counter cannot be read here; callers then mark the
// value unknown. A failed read is never turned into 0.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llmmon {

// A thread id as the OS names it: the kernel tid on Linux (what `top -H` and `/proc/self/task`
// show), the 64-bit system-wide thread id on macOS (pthread_threadid_np).
using Tid = int64_t;

struct ThreadCpu {
  Tid tid;
  int64_t cpu_ns;  // user + system CPU time of the thread since it started
};

// Cumulative whole-machine CPU counters, in the platform's unit (jiffies, Mach ticks).
// Only differences of two readings mean something: busy / total over the interval.
struct CpuCounters {
  uint64_t busy = 0;
  uint64_t total = 0;
};

// Whether a counter can be read on this machine, where it comes from, and why not.
struct Counter {
  std::string name;
  bool available = false;
  std::string source;  // e.g. "/proc/self/statm (pread)"
  std::string reason;  // empty when available
};

namespace platform {

// Nanoseconds on the clock libuv's uv_hrtime() uses, i.e. Node's process.hrtime():
// CLOCK_MONOTONIC on Linux, mach_continuous_time() on macOS. Thread-safe.
int64_t monotonic_ns();
// Name of that clock, for capabilities().
const char* clock_name();
// Name of this backend ("linux-procfs", "darwin-mach").
const char* backend_name();
// Sleeps until monotonic_ns() >= deadline_ns (absolute deadline: no drift).
void sleep_until(int64_t deadline_ns);
// The calling thread's id (see Tid).
Tid current_thread_id();
// Names the calling thread (shown by top -H, ps -L, Activity Monitor, and our own thread lists).
void name_current_thread(const char* name);
// Asks the scheduler to wake the calling (sampling) thread promptly when its deadline passes,
// where the OS allows that without privileges. Returns a description of what was applied.
std::string request_prompt_wakeups();

}  // namespace platform

// Reads process, thread and system counters. One instance per Sampler.
//
// Thread-safety: every method may be called concurrently from the sampling thread and the
// owning JS thread. Implementations guard their own shared state (cached thread list, names).
class ProcessProbe {
 public:
  ProcessProbe();
  ~ProcessProbe();
  ProcessProbe(const ProcessProbe&) = delete;
  ProcessProbe& operator=(const ProcessProbe&) = delete;

  // CPU time of the whole process (all threads, including ones that have exited), ns.
  bool process_cpu_ns(int64_t& out);
  // Resident set size now, bytes.
  bool rss_bytes(uint64_t& out);
  // Highest resident set size the kernel has recorded for the process so far, bytes.
  // A lower bound of the true peak that never overstates (see README "rss_peak_bytes").
  bool rss_high_water_bytes(uint64_t& out);
  // macOS phys_footprint (what Activity Monitor shows as "Memory"), bytes. Linux: false.
  bool footprint_bytes(uint64_t& out);

  // Fills `out` with the CPU time of every thread alive now (the list is read from the OS on
  // each call: a thread missing from it would be taken for an exited one), sorted by tid.
  // Reuses `out`'s capacity: a caller that keeps its buffer allocates nothing here.
  // Returns false when no thread could be read.
  bool thread_cpu(std::vector<ThreadCpu>& out);
  // CPU time of one thread, ns; false when it is gone or unreadable.
  bool one_thread_cpu_ns(Tid tid, int64_t& out);
  // Refreshes the name cache: names of threads not seen before at once, every name now and
  // then (threads rename themselves), names of exited threads dropped. Called at about 10 Hz.
  void rescan_threads();
  // The thread's name (Linux `comm`, macOS pthread name); empty if unknown.
  std::string thread_name(Tid tid);

  // Whole-machine CPU counters (cumulative) and memory in use as % of total.
  bool system_cpu(CpuCounters& out);
  bool system_memory_percent(double& out);

  // One entry per counter, in a fixed order.
  std::vector<Counter> counters();

  struct State;  // defined by the platform file

 private:
  std::unique_ptr<State> state_;
};

}  // namespace llmmon
