#include "sampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <unistd.h>

namespace llmmon {

namespace {

constexpr double kNaN = kUnknown;
// Longest single sleep: bounds how long stop() waits for a slow-interval thread.
constexpr int64_t kMaxSleepNs = 20000000;
// While idle (no window open) thread names are refreshed at most this often: names matter only
// to windows and the timeline's per-thread entries, and a listing plus a comm read per thread
// is the largest part of an idle tick after the wake-up itself.
constexpr int64_t kIdleRescanNs = 1000000000;

double opt(const std::optional<double>& v) { return v ? *v : kNaN; }
double opt(const std::optional<uint64_t>& v) { return v ? double(*v) : kNaN; }

std::optional<double> system_percent(const SystemMark& prev, const SystemMark& last) {
  if (prev.seq == 0 || last.seq <= prev.seq || last.cpu.total <= prev.cpu.total) return std::nullopt;
  return 100.0 * double(last.cpu.busy - prev.cpu.busy) / double(last.cpu.total - prev.cpu.total);
}

// Per-thread CPU % between two single-instant readings (both sorted by tid), appended to `out`:
// only threads that used CPU. A thread without a previous reading has no interval yet: nothing is
// recorded for it rather than a guess.
void thread_samples(uint64_t seq, Pid pid, const std::vector<ThreadCpu>& prev, const std::vector<ThreadCpu>& now,
                    double dt, std::vector<ThreadSample>& out) {
  auto p = prev.begin();
  for (const ThreadCpu& c : now) {
    while (p != prev.end() && p->tid < c.tid) ++p;
    if (p == prev.end() || p->tid != c.tid || c.cpu_ns < p->cpu_ns) continue;
    const int64_t delta = c.cpu_ns - p->cpu_ns;
    if (delta > 0 && dt > 0) out.push_back({seq, pid, c.tid, 100.0 * double(delta) / dt});
  }
}

// Next deadline of a slower loop: on its grid, unless the grid fell behind `t`.
int64_t advance(int64_t deadline, int64_t interval, int64_t t) {
  deadline += interval;
  return deadline <= t ? t + interval : deadline;
}

}  // namespace

Sampler::Sampler(const SamplerConfig& config)
    : config_(config),
      gpu_(make_gpu_backend()),
      gpu_present_(std::string(gpu_->name()) != "none"),
      energy_(make_energy_source()),
      energy_channels_(energy_->channels()),
      energy_present_(std::any_of(energy_channels_.begin(), energy_channels_.end(),
                                  [](const EnergyChannelInfo& c) { return c.available; })),
      pid_(::getpid()),
      gpu_tracker_(pid_),
      timeline_(config.timeline_capacity),
      // Room for ~16 busy threads per sample before thread entries are dropped.
      thread_timeline_(config.timeline_capacity * 16),
      // Room for 16 attached processes per sample (the buffers grow only as far as they are filled).
      target_timeline_(config.timeline_capacity * 16) {
  int64_t cpu;
  uint64_t rss;
  if (!probe_.process_cpu_ns(cpu)) throw std::runtime_error("cannot read the process CPU clock");
  if (!probe_.rss_bytes(rss)) throw std::runtime_error("cannot read the resident set size");
}

Sampler::~Sampler() { stop(); }

void Sampler::start() {
  if (thread_.joinable()) return;
  stop_requested_.store(false);
  thread_ = std::thread(
      [this] { run_thread("llmmon-sampler", "sampling thread", thread_tid_, finished_cpu_ns_, &Sampler::loop); });
  if (gpu_present_ || energy_present_) {
    try {
      gpu_thread_ = std::thread(
          [this] { run_thread("llmmon-gpu", "GPU thread", gpu_thread_tid_, finished_gpu_cpu_ns_, &Sampler::gpu_loop); });
    } catch (...) {
      stop();
      throw;
    }
  }
}

void Sampler::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_requested_.store(true);
  }
  stop_cv_.notify_all();  // the GPU thread, and the sampling thread in an idle sleep
  thread_.join();
  if (gpu_thread_.joinable()) gpu_thread_.join();
}

bool Sampler::wait_until(int64_t deadline_ns) {
  for (;;) {
    if (stop_requested_.load(std::memory_order_relaxed)) return false;
    const int64_t now = platform::monotonic_ns();
    if (now >= deadline_ns) return true;
    platform::sleep_until(std::min(deadline_ns, now + kMaxSleepNs));
  }
}

bool Sampler::wait_idle(int64_t deadline_ns) {
  // A condition variable, not clock_nanosleep: a window opening must wake the thread at once
  // (open_window notifies). Its wake-ups drift by tens of microseconds, which is nothing at
  // the idle interval; the fast ticks keep their absolute-deadline sleep.
  std::unique_lock<std::mutex> lock(stop_mu_);
  idle_waiting_.store(true);
  const auto woken = [this] { return stop_requested_.load() || open_count_.load() > 0; };
  for (;;) {
    if (woken()) break;
    const int64_t now = platform::monotonic_ns();
    if (now >= deadline_ns) break;
    stop_cv_.wait_for(lock, std::chrono::nanoseconds(deadline_ns - now));
  }
  idle_waiting_.store(false);
  return !stop_requested_.load();
}

void Sampler::run_thread(const char* name, const char* role, std::atomic<int64_t>& tid,
                         std::atomic<int64_t>& finished_cpu_ns, void (Sampler::*body)()) {
  platform::name_current_thread(name);
  tid.store(platform::current_thread_id());
  try {
    (this->*body)();
  } catch (const std::exception& e) {
    // Nothing may escape a std::thread (std::terminate). Record why sampling stopped.
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::string(role) + " stopped: " + e.what();
  }
  int64_t own_cpu;
  if (probe_.one_thread_cpu_ns(tid.load(), own_cpu)) finished_cpu_ns.fetch_add(own_cpu);
  tid.store(0);
}

void Sampler::loop() {
  std::string wakeups = platform::request_prompt_wakeups();
  {
    std::lock_guard<std::mutex> lock(mu_);
    wakeups_ = std::move(wakeups);
  }
  int64_t next = platform::monotonic_ns();
  begin(next);
  tick(next, config_.interval_ns);  // latest() has a reading from the start, idle or not
  for (;;) {
    // Idle sampling: with no window open, nothing needs 1 ms ticks; the timeline and the slower
    // loops run at the idle interval. A window opening cuts the idle sleep short, and the fast
    // grid starts from that tick: the window's own first reading is taken at open (open_window),
    // the sampling thread's right after.
    const bool idle = idle_enabled() && open_count_.load() == 0;
    const int64_t interval = idle ? config_.idle_interval_ns : config_.interval_ns;
    next += interval;
    const int64_t now = platform::monotonic_ns();
    if (now - next > interval) {
      // More than a whole tick late (the machine did not run us): skip the missed deadlines
      // instead of firing them back to back, and count them. Timestamps stay real.
      missed_ticks_.fetch_add(uint64_t((now - next) / interval), std::memory_order_relaxed);
      next = now;
    }
    if (!(idle ? wait_idle(next) : wait_until(next))) break;
    const int64_t woke = platform::monotonic_ns();
    const bool woken_early = woke < next;  // by a window opening: the fast grid starts here
    if (woken_early) next = woke;
    // Only ticks taken at an idle deadline count as idle; this one still reports the idle
    // interval in its timeline sample (the stretch it ends was sampled idle).
    if (idle && !woken_early) idle_ticks_.fetch_add(1, std::memory_order_relaxed);
    tick(woke, interval);
    tick_work_ns_.fetch_add(platform::monotonic_ns() - woke, std::memory_order_relaxed);
  }
}


// One reading of every CPU clock: the thread clocks first, the process clock right after (see
// ProcessCpuEstimate for why, and how the two make the process's CPU time).
CpuReading Sampler::read_cpu(std::vector<ThreadCpu>& threads) {
  std::lock_guard<std::mutex> lock(cpu_mu_);
  const int64_t before = platform::monotonic_ns();
  const bool listed = probe_.thread_cpu(threads);
  int64_t process = 0;
  const bool process_ok = probe_.process_cpu_ns(process);  // checked at construction; never fails
  CpuReading r;
  r.t_ns = platform::monotonic_ns();
  r.single_instant = single_instant(r.t_ns - before, threads.size());
  r.cpu_ns = process_cpu_.update(threads, listed, process, process_ok, r.single_instant);
  return r;
}

void Sampler::gpu_loop() {
  int64_t next = platform::monotonic_ns();
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stop_requested_.load()) {
    lock.unlock();
    const int64_t t = platform::monotonic_ns();
    gpu_pass();
    const int64_t done = platform::monotonic_ns();
    gpu_read_ns_.fetch_add(done - t, std::memory_order_relaxed);
    gpu_readings_.fetch_add(1, std::memory_order_relaxed);
    // Idle sampling holds here too: with no window open the GPU and energy counters are read at
    // the idle interval when that is longer (at most 1 s: energy counters that wrap around are
    // still read far more often than they wrap), and a window opening wakes this thread at once
    // (open_window notifies), so a window's GPU figures start from a reading at its open.
    const bool idle = idle_enabled() && open_count_.load() == 0;
    const int64_t interval = idle ? std::max(config_.gpu_interval_ns, config_.idle_interval_ns) : config_.gpu_interval_ns;
    next = advance(next, interval, done);
    lock.lock();
    if (idle) gpu_idle_waiting_.store(true);
    // One wake-up per pass (stop() notifies): a 20 ms polling sleep would cost five per 100 ms.
    // A relative wait: only how long until `next` (CLOCK_MONOTONIC) matters.
    const bool woken = stop_cv_.wait_for(
        lock, std::chrono::nanoseconds(std::max<int64_t>(0, next - platform::monotonic_ns())),
        [this, idle] { return stop_requested_.load() || (idle && open_count_.load() > 0); });
    gpu_idle_waiting_.store(false);
    if (woken) next = platform::monotonic_ns();  // a window opened: the grid starts here
  }
}

void Sampler::gpu_pass() {
  // Energy sources extend their wrap-arounds only when read often enough: read them every pass.
  if (energy_present_) energy_->read(energy_scratch_);
  if (!gpu_present_) return;
  const std::vector<std::shared_ptr<Target>> targets = target_list();
  gpu_->read(gpu_pids(targets), gpu_reading_);
  const int64_t t = platform::monotonic_ns();
  const GpuSample g = gpu_tracker_.update(gpu_reading_, t);
  gpu_target_samples_.clear();
  for (const auto& target : targets) gpu_target_samples_.push_back(target->gpu_tracker.update(gpu_reading_, t));
  std::lock_guard<std::mutex> lock(mu_);
  gpu_last_ = g;
  have_gpu_ = true;
  for (WindowAgg& w : windows_) {
    w.gpu.on_gpu(g);
    size_t k = 0;  // both sorted by slot
    for (TargetAgg& a : w.targets) {
      while (k < targets.size() && targets[k]->slot < a.slot) ++k;
      if (k < targets.size() && targets[k]->slot == a.slot) a.gpu.on_gpu(gpu_target_samples_[k]);
    }
  }
}

void Sampler::begin(int64_t t) {
  const CpuReading r = read_cpu(tl_prev_threads_);
  tl_prev_cpu_ns_ = r.cpu_ns;
  tl_prev_t_ns_ = r.t_ns;
  tl_prev_exact_ = r.single_instant;
  tl_rss_seen_ = false;
  tl_tick_interval_ns_ = 0;
  probe_.rescan_threads();
  next_thread_ns_ = t + config_.thread_interval_ns;
  next_rescan_ns_ = t + config_.rescan_interval_ns;
  // A first whole-machine reading now, so that windows have a baseline from the start.
  CpuCounters sys;
  const bool sys_ok = probe_.system_cpu(sys);
  double mem = 0;
  const bool mem_ok = probe_.system_memory_percent(mem);
  next_system_ns_ = t + config_.system_interval_ns;
  std::lock_guard<std::mutex> lock(mu_);
  if (sys_ok) {
    system_prev_ = system_last_;
    system_last_ = {next_system_seq_++, sys};
  }
  if (mem_ok) system_memory_percent_ = mem;
}

void Sampler::tick(int64_t t, int64_t interval_ns) {
  tl_tick_interval_ns_ = std::max(tl_tick_interval_ns_, interval_ns);
  uint64_t rss = 0;
  const bool rss_ok = probe_.rss_bytes(rss);
  if (rss_ok && (!tl_rss_seen_ || rss > tl_rss_max_)) {
    tl_rss_max_ = rss;
    tl_rss_seen_ = true;
  }

  // Slower loops. Every read happens here, outside the lock.
  const bool do_system = t >= next_system_ns_;
  CpuCounters sys;
  bool sys_ok = false;
  double mem = 0;
  bool mem_ok = false;
  if (do_system) {
    sys_ok = probe_.system_cpu(sys);
    mem_ok = probe_.system_memory_percent(mem);
    next_system_ns_ = advance(next_system_ns_, config_.system_interval_ns, t);
  }
  const bool do_cpu = t >= next_thread_ns_;
  int64_t cpu = 0;
  // A CPU reading's time is taken right after its clocks were read. Intervals run from one
  // single-instant reading to the next (see single_instant() in window.h): a reading that was
  // preempted midway has no one time, and an interval that ended at it could be a fraction of
  // the time its CPU delta covers (a 10 ms delta over 0.2 ms reads 5,000 %). Such a reading gives
  // its sample no CPU figure; the next sample's figure covers both intervals.
  int64_t cpu_t = t;
  bool cpu_exact = false;
  double dt = 0;
  tl_thread_samples_.clear();
  uint64_t footprint = 0;
  bool footprint_ok = false;
  if (do_cpu) {
    const CpuReading r = read_cpu(tl_threads_);
    cpu = r.cpu_ns;
    cpu_t = r.t_ns;
    cpu_exact = r.single_instant;
    dt = double(cpu_t - tl_prev_t_ns_);
    if (cpu_exact && tl_prev_exact_) thread_samples(next_seq_, pid_, tl_prev_threads_, tl_threads_, dt, tl_thread_samples_);
    footprint_ok = probe_.footprint_bytes(footprint);
  }
  const double thread_count = do_cpu ? double(tl_threads_.size()) : kNaN;
  tick_targets(do_cpu);

  {
    std::lock_guard<std::mutex> lock(mu_);
    ++ticks_;
    for (WindowAgg& w : windows_) {
      w.on_tick(t, rss, rss_ok);
      // Both lists are sorted by slot; a window holds the targets attached when it opened.
      auto k = tick_targets_.begin();
      for (TargetAgg& a : w.targets) {
        while (k != tick_targets_.end() && k->slot < a.slot) ++k;
        if (k == tick_targets_.end()) break;
        if (k->slot != a.slot) continue;
        if (k->rss_ok) a.on_tick(k->rss);
        if (k->cpu_ok) a.cpu.on_cpu(k->cpu_t_ns, k->cpu_ns, kTargetSliceNs);
      }
    }
    if (do_system) {
      if (sys_ok) {
        system_prev_ = system_last_;
        system_last_ = {next_system_seq_++, sys};
      }
      system_memory_percent_ = mem_ok ? std::optional<double>(mem) : std::nullopt;
    }
    latest_.t_ns = t;
    latest_.rss_bytes = rss_ok ? double(rss) : kNaN;
    latest_.system_cpu_percent = opt(system_percent(system_prev_, system_last_));
    latest_.system_memory_percent = opt(system_memory_percent_);
    if (have_gpu_) {
      latest_.gpu_util_percent = opt(gpu_last_.util_percent);
      latest_.gpu_process_util_percent = opt(gpu_last_.process_util_percent);
      latest_.gpu_memory_bytes =
          opt(gpu_last_.process_memory_bytes ? gpu_last_.process_memory_bytes : gpu_last_.device_memory_bytes);
      latest_.gpu_power_watts = opt(gpu_last_.power_watts);
    }
    have_latest_ = true;
    if (do_cpu) {
      if (cpu_exact)
        for (WindowAgg& w : windows_) w.cpu.on_cpu(cpu_t, cpu, kMinSliceNs);
      const double cpu_percent =
          cpu_exact && tl_prev_exact_ && dt > 0 ? 100.0 * double(cpu - tl_prev_cpu_ns_) / dt : kNaN;
      // latest() keeps the newest known figure over a preempted reading.
      if (!std::isnan(cpu_percent)) latest_.cpu_percent = cpu_percent;
      latest_.footprint_bytes = footprint_ok ? double(footprint) : kNaN;
      latest_.thread_count = thread_count;
      TimelineSample s;
      s.seq = next_seq_;
      s.t_ns = cpu_t;
      s.cpu_percent = cpu_percent;
      s.rss_bytes = latest_.rss_bytes;
      s.rss_peak_bytes = tl_rss_seen_ ? double(tl_rss_max_) : kNaN;
      s.footprint_bytes = latest_.footprint_bytes;
      s.system_cpu_percent = latest_.system_cpu_percent;
      s.system_memory_percent = latest_.system_memory_percent;
      s.gpu_util_percent = latest_.gpu_util_percent;
      s.gpu_process_util_percent = latest_.gpu_process_util_percent;
      s.gpu_memory_bytes = latest_.gpu_memory_bytes;
      s.gpu_power_watts = latest_.gpu_power_watts;
      s.thread_count = thread_count;
      s.tick_interval_ns = tl_tick_interval_ns_;
      timeline_.push(s);
      for (const ThreadSample& ts : tl_thread_samples_) thread_timeline_.push(ts);
      for (const TargetSample& ts : tl_target_samples_) target_timeline_.push(ts);
    }
  }

  if (do_cpu) {
    ++next_seq_;
    if (cpu_exact) {
      tl_prev_t_ns_ = cpu_t;
      tl_prev_cpu_ns_ = cpu;
      tl_prev_threads_.swap(tl_threads_);
      tl_prev_exact_ = true;
    }
    tl_rss_seen_ = false;
    tl_tick_interval_ns_ = 0;
    // On the grid, but never sooner than 0.9 interval after this reading: after a late reading
    // the next on-grid one could come a fraction of an interval later, and a CPU figure over a
    // 1 ms interval is as uncertain as its end points (see single_instant()).
    next_thread_ns_ = std::max(advance(next_thread_ns_, config_.thread_interval_ns, t),
                               cpu_t + config_.thread_interval_ns * 9 / 10);
  }
  if (t >= next_rescan_ns_) {
    probe_.rescan_threads();
    for (const auto& target : tl_targets_)
      if (target->readable()) target->probe.rescan_threads();
    const bool idle = interval_ns > config_.interval_ns;
    next_rescan_ns_ = advance(next_rescan_ns_, idle ? std::max(config_.rescan_interval_ns, kIdleRescanNs)
                                                    : config_.rescan_interval_ns, t);
  }
}

// A light window costs the caller 3 syscalls instead of ~4 + one per thread: the process CPU
// clock, statm and getrusage. Its CPU time is that clock's change: on Linux the clock lags by up
// to one scheduler tick for each thread running on another CPU when it is read (see read_cpu),
// so cpu_seconds is uncertain by that much at each end. Its start counts as not single-instant,
// so its CPU slices (peak_cpu_percent) run between the sampling thread's own readings only,
// never against this clock's value: they stay exact.
uint32_t Sampler::open_window(bool light) {
  WindowOpen o;
  o.light = light;
  bool exact = false;
  if (light) {
    if (!probe_.process_cpu_ns(o.cpu_ns)) throw std::runtime_error("cannot read the process CPU clock");
    o.t_ns = platform::monotonic_ns();
  } else {
    const CpuReading r = read_cpu(o.threads);
    o.cpu_ns = r.cpu_ns;
    o.t_ns = r.t_ns;
    exact = r.single_instant;
  }
  if (!probe_.rss_bytes(o.rss)) throw std::runtime_error("cannot read the resident set size");
  uint64_t hwm;
  if (probe_.rss_high_water_bytes(hwm)) o.rss_high_water = hwm;
  if (!light) {
    open_targets(o);
    if (gpu_present_) gpu_->read_counters(gpu_pids(o.targets), o.gpu);
    if (energy_present_) energy_->read(o.energy_uj);
  }
  uint32_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    do {
      id = next_id_++;
    } while (id == 0 || index_.count(id) != 0);  // ids wrap after 2^32 windows
    windows_.emplace_back(id, o.t_ns, o.cpu_ns, o.rss, exact);
    for (const TargetOpen& t : o.targets) windows_.back().targets.emplace_back(t.target->slot, t.cpu);
    // The devices the process used at the newest GPU reading are the window's from the start.
    if (have_gpu_ && gpu_last_.process_seen) windows_.back().gpu.process_devices = gpu_last_.device_mask;
    index_[id] = windows_.size() - 1;
    o.system = system_last_;
  }
  open_.emplace(id, std::move(o));
  // Out of idle sampling (see loop()): the futex wake is paid only when a thread is idle.
  if (open_count_.fetch_add(1) == 0 && (idle_waiting_.load() || gpu_idle_waiting_.load())) {
    { std::lock_guard<std::mutex> lock(stop_mu_); }
    stop_cv_.notify_all();
  }
  return id;
}

bool Sampler::close_window(uint32_t id, WindowStats& out) {
  auto it = open_.find(id);
  if (it == open_.end()) return false;
  const bool light = it->second.light;
  WindowClose c;
  c.t_ns = platform::monotonic_ns();
  if (light) {
    if (!probe_.process_cpu_ns(c.cpu_ns)) throw std::runtime_error("cannot read the process CPU clock");
    c.cpu_t_ns = c.t_ns;  // not single-instant (see open_window): it ends no slice
  } else {
    const CpuReading r = read_cpu(c.threads);
    c.cpu_ns = r.cpu_ns;
    c.cpu_t_ns = r.t_ns;
    c.cpu_exact = r.single_instant;
  }
  if (!probe_.rss_bytes(c.rss)) throw std::runtime_error("cannot read the resident set size");
  uint64_t hwm;
  if (probe_.rss_high_water_bytes(hwm)) c.rss_high_water = hwm;
  if (!light) {
    close_targets(it->second, c);
    if (gpu_present_) gpu_->read_counters(gpu_pids(it->second.targets), c.gpu);
    if (energy_present_) energy_->read(c.energy_uj);
  }
  c.gpu_backend_present = gpu_present_ && !light;  // a light window reports no GPU object
  c.gpu_device_count = uint32_t(gpu_->devices().size());
  if (energy_present_ && !light) c.energy_channels = energy_channels_;  // else windows list no energy
  c.pid = pid_;
  c.configured_interval_ns = config_.interval_ns;
  WindowAgg agg;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto pos = index_.find(id);
    if (pos == index_.end()) return false;  // unreachable: open_ and index_ change together
    const size_t i = pos->second;
    agg = windows_[i];
    if (i + 1 != windows_.size()) {
      windows_[i] = windows_.back();
      index_[windows_[i].id] = i;
    }
    windows_.pop_back();
    index_.erase(pos);
    c.system_last = system_last_;
    c.system_prev = system_prev_;
    c.system_memory_percent = system_memory_percent_;
  }
  open_count_.fetch_sub(1);  // the last one out: idle sampling from the next tick
  // The stopped-sampler case: no slow-loop reading yet, so read the machine now.
  if (!c.system_memory_percent) {
    double mem;
    if (probe_.system_memory_percent(mem)) c.system_memory_percent = mem;
  }
  out = finish_window(it->second, agg, c);
  for (ThreadShare& t : out.threads)
    if (t.tid) t.name = probe_.thread_name(*t.tid);
  for (size_t i = 0; i < out.targets.size(); ++i)
    for (ThreadShare& t : out.targets[i].threads)
      if (t.tid) t.name = it->second.targets[i].target->probe.thread_name(*t.tid);
  open_.erase(it);
  return true;
}

bool Sampler::latest(LatestSample& out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!have_latest_) return false;
  out = latest_;
  return true;
}

void Sampler::drain_timeline(TimelineDrain& out) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.dropped_samples = timeline_.drain(out.samples);
    out.dropped_thread_samples = thread_timeline_.drain(out.threads);
    out.dropped_target_samples = target_timeline_.drain(out.targets);
  }
  // Thread and target entries whose sample was overwritten have nothing to belong to.
  const uint64_t first = out.samples.empty() ? UINT64_MAX : out.samples.front().seq;
  out.threads.erase(out.threads.begin(), std::find_if(out.threads.begin(), out.threads.end(),
                                                      [first](const ThreadSample& s) { return s.seq >= first; }));
  out.targets.erase(out.targets.begin(), std::find_if(out.targets.begin(), out.targets.end(),
                                                      [first](const TargetSample& s) { return s.seq >= first; }));
}

std::vector<std::shared_ptr<Target>> Sampler::target_list() {
  std::lock_guard<std::mutex> lock(targets_mu_);
  return targets_;
}

std::vector<Pid> Sampler::gpu_pids(const std::vector<std::shared_ptr<Target>>& targets) const {
  std::vector<Pid> pids{pid_};
  for (const auto& t : targets) pids.push_back(t->pid);
  return pids;
}

std::vector<Pid> Sampler::gpu_pids(const std::vector<TargetOpen>& targets) const {
  std::vector<Pid> pids{pid_};
  for (const TargetOpen& t : targets) pids.push_back(t.target->pid);
  return pids;
}

void Sampler::tick_targets(bool do_cpu) {
  const uint64_t version = targets_version_.load();
  if (version != tl_targets_version_) {
    tl_targets_ = target_list();
    tl_targets_version_ = version;
  }
  tick_targets_.clear();
  tl_target_samples_.clear();
  for (const auto& target : tl_targets_) {
    Target& t = *target;
    if (!t.readable()) continue;
    TickTarget k{t.slot, false, 0, false, 0, 0};
    k.rss_ok = t.read_rss(k.rss);
    if (k.rss_ok && (!t.tl_rss_seen || k.rss > t.tl_rss_max)) {
      t.tl_rss_max = k.rss;
      t.tl_rss_seen = true;
    }
    if (do_cpu) {
      // The same rules as the process's own timeline (tick()): intervals run from one
      // single-instant reading to the next.
      t.read_cpu(t.tl_now);
      const TargetReading& now = t.tl_now;
      const TargetReading& prev = t.tl_prev;
      TargetSample s{next_seq_, t.pid, now.t_ns};
      s.rss_bytes = k.rss_ok ? double(k.rss) : kNaN;
      s.rss_peak_bytes = t.tl_rss_seen ? double(t.tl_rss_max) : kNaN;
      if (now.ok && now.threads_ok) s.thread_count = double(now.threads.size());
      const bool exact = now.ok && now.cpu_ok && now.single_instant;
      if (exact && prev.ok && prev.cpu_ok && prev.single_instant) {
        const double dt = double(now.t_ns - prev.t_ns);
        if (dt > 0) s.cpu_percent = 100.0 * double(now.cpu_ns - prev.cpu_ns) / dt;
        if (now.threads_ok && prev.threads_ok) thread_samples(next_seq_, t.pid, prev.threads, now.threads, dt, tl_thread_samples_);
      }
      if (exact) {
        k.cpu_ok = true;
        k.cpu_t_ns = now.t_ns;
        k.cpu_ns = now.cpu_ns;
        std::swap(t.tl_prev, t.tl_now);
      }
      tl_target_samples_.push_back(s);
      t.tl_rss_seen = false;
    }
    tick_targets_.push_back(k);
  }
}

void Sampler::open_targets(WindowOpen& o) {
  for (const auto& target : target_list()) {
    TargetOpen t;
    t.target = target;
    t.window_t_ns = o.t_ns;
    t.name = target->probe.name();
    if (target->readable()) {
      target->read_cpu(t.cpu);
      uint64_t v;
      if (target->read_rss(v)) t.rss = v;
      if (target->probe.rss_high_water_bytes(v)) t.rss_high_water = v;
      if (target->probe.energy_uj(v)) t.energy_uj = v;
    }
    o.targets.push_back(std::move(t));
  }
}

void Sampler::close_targets(const WindowOpen& o, WindowClose& c) {
  for (const TargetOpen& opened : o.targets) {
    Target& target = *opened.target;
    TargetClose t;
    uint64_t v;
    if (target.readable()) {
      target.read_cpu(t.cpu);
      if (t.cpu.ok && target.read_rss(v)) t.rss = v;
      if (t.cpu.ok && target.probe.rss_high_water_bytes(v)) t.rss_high_water = v;
      if (t.cpu.ok && target.probe.energy_uj(v)) t.energy_uj = v;
    }
    // A target that exited (or was detached) ends with the last figures read while it ran.
    std::optional<uint64_t> last_rss;
    if (!t.cpu.ok) {
      target.last(t.cpu, last_rss);
    } else if (!t.rss) {
      TargetReading unused;
      target.last(unused, last_rss);
    }
    if (!t.rss) t.rss = last_rss;
    t.state = target.probe.state();
    t.reason = target.probe.reason();
    t.detached = target.detached();
    t.ended_ns = target.ended_ns();
    c.targets.push_back(std::move(t));
  }
}

TargetInfo Sampler::add_target(Pid pid, const std::string& role) {
  uint32_t slot;
  std::shared_ptr<Target> stale;  // the same pid attached before, found exited or missing since
  {
    std::lock_guard<std::mutex> lock(targets_mu_);
    for (auto it = targets_.begin(); it != targets_.end(); ++it) {
      if ((*it)->pid != pid) continue;
      if ((*it)->readable()) return describe(**it);
      // Looked up afresh: the pid may name a new process by now.
      stale = *it;
      targets_.erase(it);
      targets_version_.fetch_add(1);
      break;
    }
    slot = next_slot_++;
  }
  if (stale) stale->detach();
  // The probe opens the process's files: outside the lock (the sampling thread copies the list).
  auto target = std::make_shared<Target>(slot, pid, role);
  target->probe.rescan_threads();
  const TargetInfo info = describe(*target);
  std::lock_guard<std::mutex> lock(targets_mu_);
  targets_.push_back(std::move(target));
  targets_version_.fetch_add(1);
  return info;
}

bool Sampler::remove_target(Pid pid) {
  std::shared_ptr<Target> removed;
  {
    std::lock_guard<std::mutex> lock(targets_mu_);
    auto it = std::find_if(targets_.begin(), targets_.end(), [pid](const auto& t) { return t->pid == pid; });
    if (it == targets_.end()) return false;
    removed = *it;
    targets_.erase(it);
    targets_version_.fetch_add(1);
  }
  removed->detach();  // windows still open end its figures here
  return true;
}

std::vector<TargetInfo> Sampler::targets() {
  std::vector<TargetInfo> out;
  for (const auto& t : target_list()) out.push_back(describe(*t));
  return out;
}

std::string Sampler::thread_name(Pid pid, Tid tid) {
  if (pid == pid_) return probe_.thread_name(tid);
  for (const auto& t : target_list())
    if (t->pid == pid) return t->probe.thread_name(tid);
  return {};
}

SamplerDiagnostics Sampler::diagnostics() {
  // start()/stop() run on this same (owner) thread, so the sampling thread is not stopped
  // between reading its tid and reading its clock. (Only a thread that ends by itself after an
  // error, see run_thread(), could exit meanwhile; this one reading would then miss its CPU time.)
  SamplerDiagnostics d;
  d.running = running();
  d.thread_cpu_ns = finished_cpu_ns_.load();
  const int64_t tid = thread_tid_.load();
  if (tid != 0) {
    d.thread_tid = tid;
    int64_t ns;
    if (probe_.one_thread_cpu_ns(tid, ns)) d.thread_cpu_ns += ns;
  }
  d.gpu_thread_cpu_ns = finished_gpu_cpu_ns_.load();
  const int64_t gpu_tid = gpu_thread_tid_.load();
  int64_t gpu_ns;
  if (gpu_tid != 0 && probe_.one_thread_cpu_ns(gpu_tid, gpu_ns)) d.gpu_thread_cpu_ns += gpu_ns;
  d.thread_cpu_ns += d.gpu_thread_cpu_ns;
  d.gpu_readings = gpu_readings_.load();
  d.gpu_read_ns = gpu_read_ns_.load();
  d.missed_ticks = missed_ticks_.load();
  d.idle_ticks = idle_ticks_.load();
  d.tick_work_ns = tick_work_ns_.load();
  d.open_windows = open_.size();
  std::lock_guard<std::mutex> lock(mu_);
  d.ticks = ticks_;
  d.wakeups = wakeups_;
  d.error = error_;
  return d;
}

}  // namespace llmmon
