// The portable sampler: one background thread per Sampler, windows, and the timeline.
//
// Threads and ownership (each rule below guards a real hazard):
//  - A Sampler is owned by exactly one JS thread (the env that created its wrapper). Every
//    public method is called from that thread only, never concurrently with itself.
//    (The env cleanup hook also runs on that thread.)
//  - The sampling thread shares with the owner only what `mu_` guards: the hot window
//    aggregates, the latest sample, the timeline rings, the slow-loop readings, counters.
//    The cold window data (`open_`) is owner-only and needs no lock.
//  - GPU and energy counters are read on a thread of their own (`llmmon-gpu`, every
//    gpu_interval_ns), started only when there is a GPU backend or an energy source: a GPU read
//    may block for milliseconds (NVML ioctls, /proc walks) and must never delay the 1 ms ticks.
//    It shares with the others only what `mu_` guards (the latest GpuSample, the windows'
//    aggregates); its GpuTracker and scratch readings are its own. Unlike the sampling thread
//    it calls into a vendor library (NVML), whose own exit handlers may run while it is inside a
//    call if the process exits without stopping it: the JS wrapper's process.on('exit') stops
//    every sampler first, so only a bare addon left running at exit carries that risk.
//  - Attached processes (targets.h) are shared by shared_ptr between the target list, the
//    windows open while they were attached and both sampling threads. The list is guarded by
//    `targets_mu_` (held only to copy or change it, never together with `mu_`); the sampling
//    thread copies it when `targets_version_` changed. A Target serializes its own readings.
//  - Nobody calls into ProcessProbe, GpuBackend or EnergySource while holding `mu_`: the probe takes its own
//    lock and does file I/O, and a tick must never wait behind it. CPU readings are serialized
//    by `cpu_mu_` (held around probe calls, never together with `mu_`). Lock order:
//    cpu_mu_ -> probe's lock; mu_ alone.
//  - stop() joins the thread; the destructor calls stop(). After stop() returns, the sampling
//    thread touches nothing. The thread only uses this object's members and libc (no static
//    objects with destructors), so a process that exits without stopping it (process.exit()
//    skips Node-API cleanup hooks) cannot crash in a destructor; the JS wrapper also stops
//    every sampler in process.on('exit').
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "energy.h"
#include "gpu.h"
#include "gpu_sample.h"
#include "platform.h"
#include "process_cpu.h"
#include "ring_buffer.h"
#include "targets.h"
#include "window.h"

namespace llmmon {

struct SamplerConfig {
  int64_t interval_ns = 1000000;            // tick: RSS
  int64_t thread_interval_ns = 10000000;    // CPU reading (every thread): timeline sample, CPU slices
  int64_t system_interval_ns = 100000000;   // whole-machine CPU/memory
  int64_t gpu_interval_ns = 100000000;      // GPU and energy counters (their own thread)
  int64_t rescan_interval_ns = 100000000;   // thread list (~10 Hz)
  // Tick while no window is open (idle sampling): the thread wakes only this often for the
  // timeline and the slower loops. At most interval_ns disables it (always interval_ns).
  int64_t idle_interval_ns = 0;
  size_t timeline_capacity = 65536;         // timeline samples kept until drained
};

// Unknown values are NaN in these structs (NaN in typed arrays, null in JS objects): never 0.
inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

struct TimelineSample {
  uint64_t seq = 0;
  int64_t t_ns = 0;
  // Process CPU over the interval since the previous sample with a known cpu_percent; unknown
  // when this reading was preempted midway (no single time: the next sample covers it).
  double cpu_percent = kUnknown;
  double rss_bytes = kUnknown;              // at t_ns
  double rss_peak_bytes = kUnknown;         // highest tick reading in the interval
  double footprint_bytes = kUnknown;        // macOS phys_footprint
  double system_cpu_percent = kUnknown;     // over the newest slow-loop interval
  double system_memory_percent = kUnknown;  // newest slow-loop reading
  double gpu_util_percent = kUnknown;          // newest GPU reading (GpuSample)
  double gpu_process_util_percent = kUnknown;
  double gpu_memory_bytes = kUnknown;          // the process's, else the covered devices' in use
  double gpu_power_watts = kUnknown;
  double thread_count = kUnknown;
  // The longest tick interval in force since the previous sample: interval_ns while a window
  // was open throughout, idle_interval_ns when any of it was sampled idle (rss_peak_bytes is
  // the highest reading of ticks this far apart).
  int64_t tick_interval_ns = 0;
};

struct ThreadSample {
  uint64_t seq;        // TimelineSample::seq it belongs to
  Pid pid;             // this process, or the target the thread belongs to
  Tid tid;
  double cpu_percent;  // over the same interval; only threads that used CPU are recorded
};

// One attached process at one timeline sample (the same CPU reading).
struct TargetSample {
  uint64_t seq;  // TimelineSample::seq it belongs to
  Pid pid;
  int64_t t_ns;  // right after its counters were read (a little after the sample's own t)
  // Its CPU since its previous single-instant reading; unknown when this reading was preempted,
  // or where its CPU is unreadable.
  double cpu_percent = kUnknown;
  double rss_bytes = kUnknown;       // newest tick reading
  double rss_peak_bytes = kUnknown;  // highest tick reading in the interval
  double thread_count = kUnknown;
};

struct TimelineDrain {
  std::vector<TimelineSample> samples;
  std::vector<ThreadSample> threads;
  std::vector<TargetSample> targets;
  uint64_t dropped_samples = 0;
  uint64_t dropped_thread_samples = 0;
  uint64_t dropped_target_samples = 0;
};

// One reading of every CPU clock (Sampler::read_cpu).
struct CpuReading {
  int64_t cpu_ns = 0;           // the process's CPU time
  int64_t t_ns = 0;             // right after the clocks were read
  bool single_instant = false;  // read without preemption (single_instant() in window.h)
};

struct LatestSample {
  int64_t t_ns = 0;
  double cpu_percent = kUnknown;  // over the newest timeline interval (10 ms)
  double rss_bytes = kUnknown;
  double footprint_bytes = kUnknown;
  double system_cpu_percent = kUnknown;
  double system_memory_percent = kUnknown;
  double gpu_util_percent = kUnknown;
  double gpu_process_util_percent = kUnknown;
  double gpu_memory_bytes = kUnknown;
  double gpu_power_watts = kUnknown;
  double thread_count = kUnknown;
};

struct SamplerDiagnostics {
  bool running = false;
  std::optional<Tid> thread_tid;
  int64_t thread_cpu_ns = 0;  // CPU time of this Sampler's sampling threads, all runs (its overhead)
  int64_t gpu_thread_cpu_ns = 0;  // of that, the GPU thread's
  uint64_t gpu_readings = 0;      // passes of the GPU loop
  int64_t gpu_read_ns = 0;        // wall time spent in them
  uint64_t ticks = 0;
  uint64_t idle_ticks = 0;    // of those, taken at an idle deadline (no window open)
  uint64_t missed_ticks = 0;  // deadlines skipped because the thread ran more than a tick late
  int64_t tick_work_ns = 0;   // wall time spent inside ticks (not sleeping), summed
  size_t open_windows = 0;
  std::string wakeups;        // what request_prompt_wakeups() did
  std::string error;          // why the sampling thread stopped by itself; empty normally
};

class Sampler {
 public:
  // Throws std::runtime_error when the process CPU clock or RSS cannot be read: a sampler
  // without them would report 0, so it must not exist.
  explicit Sampler(const SamplerConfig& config);
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Starts the sampling thread; no-op when running. Throws std::system_error if it cannot.
  void start();
  // Stops and joins the sampling thread (returns within ~20 ms); no-op when stopped.
  void stop();
  bool running() const { return thread_.joinable(); }

  // Reads every clock now and returns the new window's id. Works while stopped too (the
  // exact begin/end deltas), but only ticks update peaks and sample_count. A light window reads
  // only the process CPU clock and RSS at open and close (see open_window in sampler.cpp).
  uint32_t open_window(bool light = false);
  // Reads every clock now and returns the window's stats (names filled); false: unknown id.
  bool close_window(uint32_t id, WindowStats& out);
  size_t open_window_count() const { return open_.size(); }

  bool latest(LatestSample& out);
  void drain_timeline(TimelineDrain& out);

  // Attaches a process: sampled from now on, on the same ticks, and reported by every window
  // opened while it is attached. A missing or forbidden pid is attached too and reports its
  // state (windows carry the reason). Adding an attached pid again returns it unchanged while it
  // is readable; one found exited or missing is replaced by a fresh look at the pid.
  TargetInfo add_target(Pid pid, const std::string& role);
  // Detaches it (windows still open end its figures here); false: not attached.
  bool remove_target(Pid pid);
  std::vector<TargetInfo> targets();
  // A thread's name in this process or in an attached one.
  std::string thread_name(Pid pid, Tid tid);
  SamplerDiagnostics diagnostics();

  ProcessProbe& probe() { return probe_; }
  GpuBackend& gpu() { return *gpu_; }
  EnergySource& energy() { return *energy_; }
  const SamplerConfig& config() const { return config_; }

 private:
  // The frame of each of this sampler's threads: its name, its tid while it runs, the reason it
  // stopped if `body` throws, its CPU time added to `finished_cpu_ns` when it ends.
  void run_thread(const char* name, const char* role, std::atomic<int64_t>& tid, std::atomic<int64_t>& finished_cpu_ns,
                  void (Sampler::*body)());
  void gpu_loop();  // the GPU thread's loop: gpu_pass() every gpu_interval_ns
  void gpu_pass();  // one GPU loop pass: read, summarize, hand to windows
  void loop();
  void begin(int64_t t);  // first tick after start(): baselines
  // One tick at `t`; `interval_ns` is the tick interval it was taken at (fast or idle).
  void tick(int64_t t, int64_t interval_ns);
  bool wait_until(int64_t deadline_ns);
  // Idle sleep until `deadline_ns`, cut short when a window opens; false when stop() was called.
  bool wait_idle(int64_t deadline_ns);
  bool idle_enabled() const { return config_.idle_interval_ns > config_.interval_ns; }
  // Reads every thread's CPU clock (fresh thread list) into `threads` and returns the process's
  // CPU time at that moment, exact for every live thread (see the comment in sampler.cpp).
  CpuReading read_cpu(std::vector<ThreadCpu>& threads);
  // The attached processes now (a copy of the list, sorted by slot).
  std::vector<std::shared_ptr<Target>> target_list();
  // Sampling thread: reads the targets' RSS (every tick) and CPU (CPU readings) into scratch.
  void tick_targets(bool do_cpu);
  // Readings of `targets` at window open / close (owner thread).
  void open_targets(WindowOpen& o);
  void close_targets(const WindowOpen& o, WindowClose& c);
  // Whose per-process GPU figures to read: this process and the targets.
  std::vector<Pid> gpu_pids(const std::vector<std::shared_ptr<Target>>& targets) const;
  std::vector<Pid> gpu_pids(const std::vector<TargetOpen>& targets) const;

  const SamplerConfig config_;
  ProcessProbe probe_;
  std::unique_ptr<GpuBackend> gpu_;
  const bool gpu_present_;  // a backend other than "none": windows report a gpu object
  std::unique_ptr<EnergySource> energy_;
  const std::vector<EnergyChannelInfo> energy_channels_;  // fixed for the source's life
  const bool energy_present_;  // at least one channel is readable: windows and the GPU thread read it
  const Pid pid_;           // this process

  std::thread thread_;
  std::thread gpu_thread_;
  std::atomic<bool> stop_requested_{false};
  std::mutex stop_mu_;                // with stop_cv_: wakes the GPU thread at stop(), and the
                                      // sampling thread from an idle sleep (stop, a window opens)
  std::condition_variable stop_cv_;
  std::atomic<int64_t> thread_tid_{0};
  std::atomic<int64_t> gpu_thread_tid_{0};
  std::atomic<uint64_t> gpu_readings_{0};
  std::atomic<int64_t> gpu_read_ns_{0};
  std::atomic<int64_t> finished_gpu_cpu_ns_{0};  // GPU threads of earlier runs
  std::atomic<uint64_t> missed_ticks_{0};
  std::atomic<int64_t> tick_work_ns_{0};
  std::atomic<int64_t> finished_cpu_ns_{0};  // sampling threads of earlier runs
  std::atomic<uint64_t> idle_ticks_{0};
  // Windows open (owner writes, sampling thread reads): none open = idle sampling. A window opens
  // by incrementing it and then, when the sampling thread is in an idle sleep (`idle_waiting_`),
  // by notifying stop_cv_ under stop_mu_: both flags are seq_cst, so either the owner sees the
  // thread waiting and wakes it, or the thread sees the window before it waits.
  std::atomic<size_t> open_count_{0};
  std::atomic<bool> idle_waiting_{false};
  std::atomic<bool> gpu_idle_waiting_{false};  // the same for the GPU thread's idle wait

  // --- GPU-thread only (no lock) ---
  GpuReading gpu_reading_;
  GpuTracker gpu_tracker_;
  std::vector<std::optional<uint64_t>> energy_scratch_;
  std::vector<GpuSample> gpu_target_samples_;  // scratch: one per target of the pass

  // --- Sampling-thread only (no lock) ---
  int64_t next_thread_ns_ = 0;
  int64_t next_system_ns_ = 0;
  int64_t next_rescan_ns_ = 0;
  uint64_t next_seq_ = 1;                   // timeline sample numbers
  int64_t tl_prev_t_ns_ = 0;                // previous single-instant CPU reading
  int64_t tl_prev_cpu_ns_ = 0;
  bool tl_prev_exact_ = false;              // false until there is one
  std::vector<ThreadCpu> tl_prev_threads_;  // sorted
  std::vector<ThreadCpu> tl_threads_;       // scratch (keeps its capacity: no allocation per tick)
  std::vector<ThreadSample> tl_thread_samples_;  // scratch, same reason
  uint64_t tl_rss_max_ = 0;
  bool tl_rss_seen_ = false;
  int64_t tl_tick_interval_ns_ = 0;  // longest tick interval since the previous sample
  std::vector<std::shared_ptr<Target>> tl_targets_;  // the target list as of tl_targets_version_
  uint64_t tl_targets_version_ = 0;
  struct TickTarget {
    uint32_t slot;
    bool rss_ok;
    uint64_t rss;
    bool cpu_ok;        // a single-instant CPU reading at this tick
    int64_t cpu_t_ns;
    int64_t cpu_ns;
  };
  std::vector<TickTarget> tick_targets_;       // scratch, sorted by slot
  std::vector<TargetSample> tl_target_samples_;  // scratch

  // --- Targets, guarded by targets_mu_ (never held together with mu_ or a Target's locks) ---
  std::mutex targets_mu_;
  std::vector<std::shared_ptr<Target>> targets_;  // sorted by slot
  uint32_t next_slot_ = 1;
  std::atomic<uint64_t> targets_version_{1};      // bumped at every change of targets_

  // --- CPU readings, guarded by cpu_mu_ ---
  // The owner thread (open/close) and the sampling thread (every thread interval) both read
  // CPU clocks. Readings are serialized so that each estimate is built only from readings
  // taken before it; a reading holds cpu_mu_ for its I/O (~10 us with 10 threads). cpu_mu_ and
  // mu_ are never held together.
  std::mutex cpu_mu_;
  ProcessCpuEstimate process_cpu_;  // the process's CPU time from the thread clocks (read_cpu)

  // --- Shared, guarded by mu_ ---
  mutable std::mutex mu_;
  std::vector<WindowAgg> windows_;                 // dense: the tick walks it
  std::unordered_map<uint32_t, size_t> index_;     // id -> position in windows_
  uint32_t next_id_ = 1;
  bool have_latest_ = false;
  LatestSample latest_;
  RingBuffer<TimelineSample> timeline_;
  RingBuffer<ThreadSample> thread_timeline_;
  RingBuffer<TargetSample> target_timeline_;
  uint64_t next_system_seq_ = 1;
  uint64_t ticks_ = 0;
  SystemMark system_last_;
  SystemMark system_prev_;
  std::optional<double> system_memory_percent_;
  GpuSample gpu_last_;
  bool have_gpu_ = false;
  std::string wakeups_;
  std::string error_;

  // --- Owner (JS) thread only ---
  std::unordered_map<uint32_t, WindowOpen> open_;
};

}  // namespace llmmon
