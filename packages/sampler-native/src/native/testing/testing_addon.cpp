// TEST-ONLY addon (llmmon_sampler_testing.node): workloads with a known ground truth for the
// tests and the benchmark. Not part of the product API; the package never loads it.
//
//   burnCpu(cpuMs: number): number                        burn on the calling thread
//   new BurnerGroup(count: number, cpuMs: number)         native threads that burn, then wait
//     .wait(): { tid: number; cpu_seconds: number }[]     blocks until all have burned
//     .release(): void                                    lets them exit; joins them
//   new ParkedThreads(count: number)                      idle native threads (thread-count load)
//     .tids(): number[]   .release(): void
//   churnThreads(busy, busyMs, burst, shortMs): { cpu_seconds, threads }
//                                                         `busy` threads burn busyMs each while
//                                                         bursts of `burst` short-lived threads
//                                                         (shortMs each) start and exit; blocks
//   spikeRss(bytes: number, holdMs: number): { bytes, hold_from, hold_to }
//                                                         map, touch, hold, unmap; blocks
//   new RssSpiker(bytes: number, chunks: number)          Linux: `bytes` of memory written once
//     .spike(holdMs): { make: number[]; drop: number[] }  (a memfd), then mapped into RSS and
//                                                         unmapped again in `chunks` steps per
//                                                         spike (timestamps after each); blocks
//   sleepLoopCpu(ticks: number, intervalMs: number): number   CPU seconds a bare absolute-deadline
//                                                         sleep loop costs (the floor of any sampler)
//   targetReadCost(pid: number, iterations: number): { rss_us, cpu_reading_us, threads }
//                                                         CPU time (this thread's clock) of one
//                                                         RSS read and one CPU reading of an
//                                                         attached process, as the sampler does them
//   parseDrmFdinfo(text: string): DrmClientStats          the DRM fdinfo parser (drm_fdinfo.h) on
//                                                         text the test writes; null fields unknown
//   processCpuEstimate(readings): number[]                the process CPU estimate (process_cpu.h)
//                                                         over scripted clock readings
//   apple*(...)                                           the macOS backend's portable rules
//                                                         (apple_rules_testing.cpp)
//   gpuBackend(), gpuRead(pids), energySource(), energyRead()   this platform's backends, read
//                                                         directly (backend_testing.cpp)
//   new MetalWorkload(bytes)                              macOS: GPU work of known size (metal_workload.mm)
//
// "Burn N ms" means: until the thread's own CPU clock (CLOCK_THREAD_CPUTIME_ID) advanced by
// N ms, so the CPU time is known whatever the machine's load.
#include <sys/mman.h>
#include <unistd.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drm_fdinfo.h"
#include "napi_setup.h"
#include "platform.h"
#include "process_cpu.h"
#include "targets.h"

namespace llmmon::testing {

void RegisterAppleRules(Napi::Env env, Napi::Object exports);      // apple_rules_testing.cpp
void RegisterBackendTesting(Napi::Env env, Napi::Object exports);  // backend_testing.cpp
#if defined(__APPLE__)
void RegisterMetalWorkload(Napi::Env env, Napi::Object exports);   // metal_workload.mm
#endif

namespace {

int64_t thread_cpu_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// Spins until this thread used `cpu_ns` of CPU; returns what it used (>= cpu_ns).
int64_t burn(int64_t cpu_ns) {
  const int64_t start = thread_cpu_ns();
  volatile uint64_t sink = 0;
  int64_t used = 0;
  while ((used = thread_cpu_ns() - start) < cpu_ns) {
    for (int i = 0; i < 20000; ++i) sink = sink * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  return used;
}

double PositiveArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v < 0) throw Napi::RangeError::New(info.Env(), std::string(name) + " must be >= 0");
  return v;
}

// Threads that each burn a known CPU time, report it, then stay alive until released.
class BurnerGroup : public Napi::ObjectWrap<BurnerGroup> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BurnerGroup",
                       {InstanceMethod<&BurnerGroup::Wait>("wait"), InstanceMethod<&BurnerGroup::Release>("release")});
  }

  explicit BurnerGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BurnerGroup>(info) {
    const size_t count = size_t(PositiveArg(info, 0, "count"));
    const int64_t cpu_ns = int64_t(PositiveArg(info, 1, "cpuMs") * 1e6);
    results_.resize(count);
    for (size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this, i, cpu_ns] {
        const Tid tid = platform::current_thread_id();
        const int64_t used = burn(cpu_ns);
        std::unique_lock<std::mutex> lock(mu_);
        results_[i] = {tid, used};
        ++done_;
        cv_.notify_all();
        cv_.wait(lock, [this] { return released_; });
      });
    }
  }

  ~BurnerGroup() override { ReleaseAndJoin(); }

 private:
  Napi::Value Wait(const Napi::CallbackInfo& info) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return done_ == results_.size(); });
    }
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env, results_.size());
    for (size_t i = 0; i < results_.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("tid", double(results_[i].first));
      o.Set("cpu_seconds", double(results_[i].second) / 1e9);
      out.Set(uint32_t(i), o);
    }
    return out;
  }

  void Release(const Napi::CallbackInfo&) { ReleaseAndJoin(); }

  void ReleaseAndJoin() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<Tid, int64_t>> results_;
  size_t done_ = 0;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

// Idle threads, to measure the sampler's cost as a function of the process's thread count.
class ParkedThreads : public Napi::ObjectWrap<ParkedThreads> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ParkedThreads",
                       {InstanceMethod<&ParkedThreads::Tids>("tids"),
                        InstanceMethod<&ParkedThreads::Release>("release")});
  }

  explicit ParkedThreads(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ParkedThreads>(info) {
    const size_t count = size_t(PositiveArg(info, 0, "count"));
    for (size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this] {
        std::unique_lock<std::mutex> lock(mu_);
        tids_.push_back(platform::current_thread_id());
        cv_.notify_all();
        cv_.wait(lock, [this] { return released_; });
      });
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return tids_.size() == threads_.size(); });
  }

  ~ParkedThreads() override { ReleaseAndJoin(); }

 private:
  Napi::Value Tids(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> lock(mu_);
    Napi::Array out = Napi::Array::New(info.Env(), tids_.size());
    for (size_t i = 0; i < tids_.size(); ++i) out.Set(uint32_t(i), double(tids_[i]));
    return out;
  }

  void Release(const Napi::CallbackInfo&) { ReleaseAndJoin(); }

  void ReleaseAndJoin() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Tid> tids_;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

// burnCpu(cpuMs: number): number   (seconds of CPU this thread used)
Napi::Value BurnCpu(const Napi::CallbackInfo& info) {
  const int64_t cpu_ns = int64_t(PositiveArg(info, 0, "cpuMs") * 1e6);
  return Napi::Number::New(info.Env(), double(burn(cpu_ns)) / 1e9);
}

// churnThreads(busy: number, busyMs: number, burst: number, shortMs: number)
//   : { cpu_seconds: number; threads: number }
// Thread churn as llama.cpp makes it (workers started and joined at every decode step) beside
// long-lived busy threads: `busy` threads burn `busyMs` each; until they are done, the calling
// thread starts `burst` threads at a time that burn up to `shortMs` each and exit, and joins them.
// cpu_seconds: what every started thread burned by its own clock (the calling thread's
// spawning work excluded); threads: how many were started. Blocks the calling thread.
Napi::Value ChurnThreads(const Napi::CallbackInfo& info) {
  const size_t busy = size_t(PositiveArg(info, 0, "busy"));
  const int64_t busy_ns = int64_t(PositiveArg(info, 1, "busyMs") * 1e6);
  const size_t burst = size_t(PositiveArg(info, 2, "burst"));
  const int64_t short_ns = int64_t(PositiveArg(info, 3, "shortMs") * 1e6);
  std::atomic<int64_t> burned{0};
  std::atomic<size_t> busy_left{busy};
  std::vector<std::thread> busy_threads;
  for (size_t i = 0; i < busy; ++i)
    busy_threads.emplace_back([&] {
      burned += burn(busy_ns);
      --busy_left;
    });
  size_t started = busy;
  do {
    // Staggered: worker i burns (i + 1) / burst of shortMs, so earlier workers exit while later
    // ones (listed after them) are still running and have CPU time to lose.
    std::vector<std::thread> workers;
    for (size_t i = 0; i < burst; ++i)
      workers.emplace_back([&, i] { burned += burn(short_ns * int64_t(i + 1) / int64_t(burst)); });
    for (std::thread& t : workers) t.join();
    started += burst;
  } while (busy_left.load() > 0 && burst > 0);
  for (std::thread& t : busy_threads) t.join();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("cpu_seconds", double(burned.load()) / 1e9);
  out.Set("threads", double(started));
  return out;
}

// spikeRss(bytes: number, holdMs: number): { bytes: number; hold_from: number; hold_to: number }
// Anonymous private memory: every page is written, so `bytes` are resident from hold_from to
// hold_to (seconds on the samples' clock), then munmap returns them. The calling (JS) thread
// sleeps while holding: the event loop does not run.
Napi::Value SpikeRss(const Napi::CallbackInfo& info) {
  const size_t bytes = size_t(PositiveArg(info, 0, "bytes"));
  const double hold_ms = PositiveArg(info, 1, "holdMs");
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw Napi::Error::New(info.Env(), std::string("mmap: ") + std::strerror(errno));
  std::memset(p, 1, bytes);
  const int64_t from = platform::monotonic_ns();
  platform::sleep_until(from + int64_t(hold_ms * 1e6));
  const int64_t to = platform::monotonic_ns();
  ::munmap(p, bytes);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("bytes", double(bytes));
  out.Set("hold_from", double(from) / 1e9);
  out.Set("hold_to", double(to) / 1e9);
  return out;
}

#if defined(__linux__)
// RSS spikes that rise and fall in milliseconds on any machine. Making fresh anonymous memory
// costs a page fault per 4 KiB page, and on a VM whose host backs guest memory lazily each fault
// can cost 10+ µs: 256 MiB then takes 0.2–1 s to write, so a "20 ms" spike lasts far longer.
// Here the pages are made ONCE (a memfd, every page written at construction) and each spike only
// maps them (MAP_POPULATE: page-table entries for existing pages, no allocation, no zeroing) and
// unmaps them. Resident set size counts mapped shared pages (statm's `resident`, VmRSS =
// RssAnon + RssFile + RssShmem), so every reader of RSS sees the full rise and fall: the same
// way a model's mmapped weights enter and leave RSS.
// Both directions go in `chunks` equal steps with a CLOCK_MONOTONIC timestamp (seconds) before
// the first and after each step, so the caller knows within one step when RSS crossed any level.
class RssSpiker : public Napi::ObjectWrap<RssSpiker> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "RssSpiker",
                       {InstanceMethod<&RssSpiker::Spike>("spike"), InstanceMethod<&RssSpiker::Close>("close")});
  }

  explicit RssSpiker(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RssSpiker>(info) {
    const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    chunks_ = std::max<size_t>(1, size_t(PositiveArg(info, 1, "chunks")));
    // Whole pages per chunk, so that every chunk maps at a page-aligned file offset.
    chunk_bytes_ = std::max(page, (size_t(PositiveArg(info, 0, "bytes")) / chunks_ + page - 1) / page * page);
    bytes_ = chunk_bytes_ * chunks_;
    fd_ = ::memfd_create("llmmon-rss-spike", MFD_CLOEXEC);
    if (fd_ < 0) throw Napi::Error::New(info.Env(), std::string("memfd_create: ") + std::strerror(errno));
    if (::ftruncate(fd_, off_t(bytes_)) != 0) Fail(info.Env(), "ftruncate");
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) Fail(info.Env(), "mmap");
    std::memset(p, 1, bytes_);  // every page exists from now on (shmem), whatever it costs once
    ::munmap(p, bytes_);
  }

  ~RssSpiker() override { Release(); }

 private:
  [[noreturn]] void Fail(Napi::Env env, const char* what) {
    const std::string message = std::string(what) + ": " + std::strerror(errno);
    Release();
    throw Napi::Error::New(env, message);
  }

  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // spike(holdMs): { bytes, make: number[chunks + 1], drop: number[chunks + 1] }
  // make[0] before the first chunk is mapped, make[i] after chunk i; then the calling thread
  // sleeps holdMs (the event loop does not run when it is the main thread); drop likewise.
  Napi::Value Spike(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const double hold_ms = PositiveArg(info, 0, "holdMs");
    if (fd_ < 0) throw Napi::Error::New(env, "RssSpiker is closed");
    // Reserve the address range first, then map each chunk of the file into it in place.
    char* base = static_cast<char*>(::mmap(nullptr, bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (base == MAP_FAILED) throw Napi::Error::New(env, std::string("mmap: ") + std::strerror(errno));
    std::vector<int64_t> make{platform::monotonic_ns()};
    for (size_t i = 0; i < chunks_; ++i) {
      const size_t off = i * chunk_bytes_;
      if (::mmap(base + off, chunk_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd_,
                 off_t(off)) == MAP_FAILED) {
        const std::string message = std::string("mmap chunk: ") + std::strerror(errno);
        ::munmap(base, bytes_);
        throw Napi::Error::New(env, message);
      }
      make.push_back(platform::monotonic_ns());
    }
    platform::sleep_until(make.back() + int64_t(hold_ms * 1e6));
    std::vector<int64_t> drop{platform::monotonic_ns()};
    for (size_t i = 0; i < chunks_; ++i) {
      ::munmap(base + i * chunk_bytes_, chunk_bytes_);
      drop.push_back(platform::monotonic_ns());
    }
    auto seconds = [&](const std::vector<int64_t>& ts) {
      Napi::Array a = Napi::Array::New(env, ts.size());
      for (size_t i = 0; i < ts.size(); ++i) a.Set(uint32_t(i), double(ts[i]) / 1e9);
      return a;
    };
    Napi::Object out = Napi::Object::New(env);
    out.Set("bytes", double(bytes_));
    out.Set("make", seconds(make));
    out.Set("drop", seconds(drop));
    return out;
  }

  void Close(const Napi::CallbackInfo&) { Release(); }

  int fd_ = -1;
  size_t chunks_ = 1;
  size_t chunk_bytes_ = 0;
  size_t bytes_ = 0;
};
#endif

// sleepLoopCpu(ticks: number, intervalMs: number): number
// The CPU this thread spends doing nothing but sleeping to `ticks` absolute deadlines, the
// way the sampler does: what waking up costs on this machine, before any sampling work.
Napi::Value SleepLoopCpu(const Napi::CallbackInfo& info) {
  const int64_t ticks = int64_t(PositiveArg(info, 0, "ticks"));
  const int64_t interval_ns = int64_t(PositiveArg(info, 1, "intervalMs") * 1e6);
  const int64_t start = thread_cpu_ns();
  int64_t next = platform::monotonic_ns();
  for (int64_t i = 0; i < ticks; ++i) {
    next += interval_ns;
    platform::sleep_until(next);
  }
  return Napi::Number::New(info.Env(), double(thread_cpu_ns() - start) / 1e9);
}

// targetReadCost(pid: number, iterations: number): { rss_us, cpu_reading_us, threads }
// What the sampling thread spends on one attached process, by this thread's CPU clock (so a
// loaded machine's preemptions are not counted): one RSS read (every tick) and one CPU reading
// (the process clock and every thread's schedstat, every CPU reading), each averaged over
// `iterations` calls on a Target as the Sampler keeps it.
Napi::Value TargetReadCost(const Napi::CallbackInfo& info) {
  const Pid pid = Pid(PositiveArg(info, 0, "pid"));
  const int64_t iterations = std::max<int64_t>(1, int64_t(PositiveArg(info, 1, "iterations")));
  Target target(1, pid, "");
  if (target.probe.state() != TargetState::kLive)
    throw Napi::Error::New(info.Env(), "pid " + std::to_string(pid) + ": " + target.probe.reason());
  uint64_t rss = 0;
  int64_t start = thread_cpu_ns();
  for (int64_t i = 0; i < iterations; ++i) target.read_rss(rss);
  const int64_t rss_ns = thread_cpu_ns() - start;
  TargetReading reading;
  start = thread_cpu_ns();
  for (int64_t i = 0; i < iterations; ++i) target.read_cpu(reading);
  const int64_t cpu_ns = thread_cpu_ns() - start;
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("rss_us", double(rss_ns) / 1e3 / double(iterations));
  out.Set("cpu_reading_us", double(cpu_ns) / 1e3 / double(iterations));
  out.Set("threads", double(reading.threads.size()));
  return out;
}

Napi::Value Optional(Napi::Env env, const std::optional<uint64_t>& v) {
  return v ? Napi::Value(Napi::Number::New(env, double(*v))) : env.Null();
}

// parseDrmFdinfo(text: string): { driver, pdev, client_id, engines: { [name]: { busy_ns, cycles,
//   total_cycles, maxfreq_hz, capacity } }, resident_bytes, total_bytes, memory_bytes }
Napi::Value ParseDrmFdinfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "text must be a string");
  const DrmClientStats c = parse_drm_fdinfo(info[0].As<Napi::String>().Utf8Value());
  Napi::Object out = Napi::Object::New(env);
  out.Set("driver", c.driver);
  out.Set("pdev", c.pdev);
  out.Set("client_id", Optional(env, c.client_id));
  Napi::Object engines = Napi::Object::New(env);
  for (const auto& [name, e] : c.engines) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("busy_ns", Optional(env, e.busy_ns));
    o.Set("cycles", Optional(env, e.cycles));
    o.Set("total_cycles", Optional(env, e.total_cycles));
    o.Set("maxfreq_hz", Optional(env, e.maxfreq_hz));
    o.Set("capacity", double(e.capacity));
    engines.Set(name, o);
  }
  out.Set("engines", engines);
  out.Set("resident_bytes", Optional(env, c.resident_bytes));
  out.Set("total_bytes", Optional(env, c.total_bytes));
  out.Set("memory_bytes", Optional(env, c.memory_bytes()));
  return out;
}

// processCpuEstimate(readings: { threads: [tid, cpu_ns][]; process_ns: number | null;
//   single_instant: boolean }[]): number[]  -- the estimate after each reading, in ns
Napi::Value ProcessCpuEstimateOver(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "readings must be an array");
  const Napi::Array readings = info[0].As<Napi::Array>();
  ProcessCpuEstimate estimate;
  Napi::Array out = Napi::Array::New(env, readings.Length());
  std::vector<ThreadCpu> threads;
  for (uint32_t i = 0; i < readings.Length(); i++) {
    const Napi::Object r = readings.Get(i).As<Napi::Object>();
    const Napi::Array list = r.Get("threads").As<Napi::Array>();
    threads.clear();
    for (uint32_t j = 0; j < list.Length(); j++) {
      const Napi::Array pair = list.Get(j).As<Napi::Array>();
      threads.push_back(
          {Tid(pair.Get(0u).As<Napi::Number>().Int64Value()), pair.Get(1u).As<Napi::Number>().Int64Value()});
    }
    const Napi::Value process = r.Get("process_ns");
    const bool process_ok = process.IsNumber();
    const int64_t process_ns = process_ok ? process.As<Napi::Number>().Int64Value() : 0;
    const int64_t ns =
        estimate.update(threads, !threads.empty(), process_ns, process_ok, r.Get("single_instant").ToBoolean());
    out.Set(i, double(ns));
  }
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("BurnerGroup", BurnerGroup::Define(env));
  exports.Set("ParkedThreads", ParkedThreads::Define(env));
  exports.Set("burnCpu", Napi::Function::New<BurnCpu>(env, "burnCpu"));
  exports.Set("churnThreads", Napi::Function::New<ChurnThreads>(env, "churnThreads"));
  exports.Set("spikeRss", Napi::Function::New<SpikeRss>(env, "spikeRss"));
#if defined(__linux__)
  exports.Set("RssSpiker", RssSpiker::Define(env));
#endif
  exports.Set("sleepLoopCpu", Napi::Function::New<SleepLoopCpu>(env, "sleepLoopCpu"));
  exports.Set("targetReadCost", Napi::Function::New<TargetReadCost>(env, "targetReadCost"));
  exports.Set("parseDrmFdinfo", Napi::Function::New<ParseDrmFdinfo>(env, "parseDrmFdinfo"));
  exports.Set("processCpuEstimate", Napi::Function::New<ProcessCpuEstimateOver>(env, "processCpuEstimate"));
  RegisterAppleRules(env, exports);
  RegisterBackendTesting(env, exports);
#if defined(__APPLE__)
  RegisterMetalWorkload(env, exports);
#endif
  return exports;
}

}  // namespace
}  // namespace llmmon::testing

static Napi::Object InitTestingAddon(Napi::Env env, Napi::Object exports) {
  return llmmon::testing::Init(env, exports);
}
NODE_API_MODULE(llmmon_sampler_testing, InitTestingAddon)
