// Node-API bindings of the sampler: thin and mechanical, no measurement logic here.
//
// Every exported function carries its TypeScript signature; src/binding.ts declares the same
// interface for the wrapper (keep the two in sync). Argument checks here are a last line of
// defence with the argument's name; the wrapper validates user input first.
//
// Context-aware: the module may load in several environments at once (main thread and
// worker threads). All per-env state lives in AddonData (napi instance data); nothing mutable
// is static.
#include <cmath>
#include <memory>
#include <string>
#include <unordered_set>

#include "capabilities.h"
#include "napi_setup.h"
#include "sampler.h"
#ifdef __APPLE__
#include "process_list.h"
#endif

namespace llmmon {
namespace {

// The Samplers alive in one env. Touched only on that env's JS thread.
struct Registry {
  std::unordered_set<Sampler*> live;
};

struct AddonData {
  Napi::FunctionReference sampler_constructor;
  // Shared with every SamplerWrap, so that neither the cleanup hook nor a late finalizer can
  // see it freed, whatever order env teardown runs them in.
  std::shared_ptr<Registry> registry = std::make_shared<Registry>();
};

// Env teardown (a worker terminating, the main thread ending normally): stop every sampling
// thread of this env before the env's objects go away. Node runs cleanup hooks on the env's
// thread, newest first, so this runs before Node-API's own teardown (registered earlier) and
// before AddonData is finalized. process.exit() skips cleanup hooks: the JS wrapper stops the
// samplers in process.on('exit') for that case.
void StopAllOnTeardown(void* arg) {
  for (Sampler* sampler : static_cast<Registry*>(arg)->live) sampler->stop();
}

Napi::Value NumberOrNull(Napi::Env env, double v) {
  if (std::isnan(v)) return env.Null();
  return Napi::Number::New(env, v);
}

template <class T>
Napi::Value OptionalNumber(Napi::Env env, const std::optional<T>& v) {
  if (!v) return env.Null();
  return Napi::Number::New(env, double(*v));
}

double Seconds(int64_t ns) { return double(ns) / 1e9; }

double NumberArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v <= 0)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be a finite number > 0");
  return v;
}

Napi::Value OptionalBool(Napi::Env env, const std::optional<bool>& v) {
  if (!v) return env.Null();
  return Napi::Boolean::New(env, *v);
}

Napi::Object GpuToJs(Napi::Env env, const GpuWindow& w) {
  Napi::Object g = Napi::Object::New(env);
  Napi::Array devices = Napi::Array::New(env, w.devices.size());
  for (size_t i = 0; i < w.devices.size(); ++i) devices.Set(uint32_t(i), double(w.devices[i]));
  g.Set("devices", devices);
  g.Set("device_scope", w.devices_are_process ? "process" : "all");
  g.Set("util_avg_percent", OptionalNumber(env, w.util_avg_percent));
  g.Set("util_peak_percent", OptionalNumber(env, w.util_peak_percent));
  g.Set("process_util_avg_percent", OptionalNumber(env, w.process_util_avg_percent));
  g.Set("process_util_peak_percent", OptionalNumber(env, w.process_util_peak_percent));
  g.Set("busy_seconds", OptionalNumber(env, w.busy_seconds));
  g.Set("memory_peak_bytes", OptionalNumber(env, w.memory_peak_bytes));
  g.Set("memory_scope", w.memory_peak_bytes ? Napi::Value(Napi::String::New(env, w.memory_is_process ? "process" : "device"))
                                            : env.Null());
  g.Set("energy_joules", OptionalNumber(env, w.energy_joules));
  g.Set("throttled", OptionalBool(env, w.throttled));
  g.Set("reading_count", double(w.reading_count));
  return g;
}

// capabilities() of a sampler's (or a default configuration's) counters.
Napi::Object CapabilitiesToJs(Napi::Env env, const SamplerConfig& config, ProcessProbe& probe,
                              const GpuBackend& gpu, const EnergySource& energy) {
  Napi::Object list = Napi::Object::New(env);
  for (const CounterDescription& c : describe_counters(config, probe, gpu, energy)) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("available", c.available);
    o.Set("source", c.source);
    o.Set("reason", c.available ? env.Null() : Napi::String::New(env, c.reason));
    o.Set("scope", c.scope);
    o.Set("resolution_ms", OptionalNumber(env, c.resolution_ms));
    list.Set(c.name, o);
  }
  Napi::Array gpus = Napi::Array::New(env, gpu.devices().size());
  for (size_t i = 0; i < gpu.devices().size(); ++i) {
    const GpuDeviceInfo& d = gpu.devices()[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", double(d.index));
    o.Set("id", d.id);
    o.Set("name", d.name);
    o.Set("vendor", d.vendor.empty() ? env.Null() : Napi::String::New(env, d.vendor));
    o.Set("memory_total_bytes", OptionalNumber(env, d.memory_total_bytes));
    o.Set("driver_version", d.driver_version.empty() ? env.Null() : Napi::String::New(env, d.driver_version));
    o.Set("core_count", OptionalNumber(env, d.core_count));
    gpus.Set(uint32_t(i), o);
  }
  Napi::Array channels = Napi::Array::New(env);
  for (const EnergyChannelInfo& ch : energy.channels()) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", ch.name);
    o.Set("scope", ch.scope);
    o.Set("available", ch.available);
    o.Set("source", ch.source);
    o.Set("reason", ch.available ? env.Null() : Napi::String::New(env, ch.reason));
    channels.Set(channels.Length(), o);
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("backend", platform::backend_name());
  o.Set("clock", platform::clock_name());
  o.Set("gpu_backend", gpu.name());
  o.Set("gpus", gpus);
  o.Set("energy_source", energy.name());
  o.Set("energy_channels", channels);
  o.Set("gpu_interval_ms", double(config.gpu_interval_ns) / 1e6);
  o.Set("counters", list);
  return o;
}

Napi::Array ThreadsToJs(Napi::Env env, const std::vector<ThreadShare>& shares) {
  Napi::Array threads = Napi::Array::New(env, shares.size());
  for (size_t i = 0; i < shares.size(); ++i) {
    const ThreadShare& t = shares[i];
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("tid", OptionalNumber(env, t.tid));
    entry.Set("name", t.name);
    entry.Set("cpu_seconds", Seconds(t.cpu_ns));
    threads.Set(uint32_t(i), entry);
  }
  return threads;
}

Napi::Value StringOrNull(Napi::Env env, const std::string& s) {
  if (s.empty()) return env.Null();
  return Napi::String::New(env, s);
}

Napi::Object TargetToJs(Napi::Env env, const TargetStats& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", double(t.pid));
  o.Set("name", StringOrNull(env, t.name));
  o.Set("role", StringOrNull(env, t.role));
  o.Set("status", t.status);
  o.Set("reason", StringOrNull(env, t.reason));
  o.Set("wall_seconds", Seconds(t.wall_ns));
  o.Set("cpu_seconds", t.cpu_ns ? Napi::Value(Napi::Number::New(env, Seconds(*t.cpu_ns))) : env.Null());
  o.Set("avg_cpu_percent", OptionalNumber(env, t.avg_cpu_percent));
  o.Set("peak_cpu_percent", OptionalNumber(env, t.peak_cpu_percent));
  o.Set("rss_start_bytes", OptionalNumber(env, t.rss_start));
  o.Set("rss_end_bytes", OptionalNumber(env, t.rss_end));
  o.Set("rss_peak_bytes", OptionalNumber(env, t.rss_peak));
  o.Set("threads", t.threads_ok ? Napi::Value(ThreadsToJs(env, t.threads)) : env.Null());
  o.Set("gpu", t.gpu ? Napi::Value(GpuToJs(env, *t.gpu)) : env.Null());
  o.Set("energy_joules", OptionalNumber(env, t.energy_joules));
  o.Set("sample_count", double(t.sample_count));
  return o;
}

Napi::Object TargetInfoToJs(Napi::Env env, const TargetInfo& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", double(t.pid));
  o.Set("name", StringOrNull(env, t.name));
  o.Set("role", StringOrNull(env, t.role));
  o.Set("status", t.detached ? "detached" : target_state_name(t.state));
  o.Set("reason", StringOrNull(env, t.reason));
  return o;
}

// A window's statistics cross to JS in two parts (binding.ts' closeWindow): its numbers are
// written into the caller's Float64Array (in WINDOW_SCALARS' order, NaN = null), and only its
// lists and objects are built here. Setting a named property from C++ interns its name each
// time; the wrapper builds the object from the numbers as one literal instead. A window with no
// thread, energy or target entry and no GPU object (every light window) returns `true`.
void ScalarsToJs(const WindowStats& s, double* out) {
  out[0] = Seconds(s.wall_ns);
  out[1] = Seconds(s.cpu_ns);
  out[2] = s.avg_cpu_percent;
  out[3] = s.peak_cpu_percent;
  out[4] = double(s.rss_start);
  out[5] = double(s.rss_end);
  out[6] = double(s.rss_peak);
  out[7] = s.system_cpu_percent ? *s.system_cpu_percent : kUnknown;
  out[8] = s.system_memory_percent ? *s.system_memory_percent : kUnknown;
  out[9] = s.cpu_energy_joules ? *s.cpu_energy_joules : kUnknown;
  out[10] = double(s.sample_count);
  out[11] = s.effective_interval_ms;
}
constexpr size_t kWindowScalars = 12;

Napi::Value PartsToJs(Napi::Env env, const WindowStats& s) {
  if (s.threads.empty() && !s.gpu && s.energy.empty() && s.targets.empty()) return Napi::Boolean::New(env, true);
  Napi::Object o = Napi::Object::New(env);
  o.Set("threads", ThreadsToJs(env, s.threads));
  o.Set("gpu", s.gpu ? GpuToJs(env, *s.gpu) : env.Null());
  Napi::Array energy = Napi::Array::New(env, s.energy.size());
  for (size_t i = 0; i < s.energy.size(); ++i) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("name", s.energy[i].name);
    e.Set("scope", s.energy[i].scope);
    e.Set("joules", OptionalNumber(env, s.energy[i].joules));
    energy.Set(uint32_t(i), e);
  }
  o.Set("energy", energy);
  Napi::Array targets = Napi::Array::New(env, s.targets.size());
  for (size_t i = 0; i < s.targets.size(); ++i) targets.Set(uint32_t(i), TargetToJs(env, s.targets[i]));
  o.Set("targets", targets);
  return o;
}

Napi::Float64Array Column(Napi::Env env, const std::vector<TimelineSample>& samples,
                          double (*get)(const TimelineSample&)) {
  Napi::Float64Array a = Napi::Float64Array::New(env, samples.size());
  double* data = a.Data();
  for (size_t i = 0; i < samples.size(); ++i) data[i] = get(samples[i]);
  return a;
}

// The timeline's per-target columns: entry i belongs to sample[i] of the batch (both in seq order).
Napi::Object TargetColumns(Napi::Env env, const std::vector<TimelineSample>& samples,
                           const std::vector<TargetSample>& targets) {
  const size_t n = targets.size();
  Napi::Uint32Array sample = Napi::Uint32Array::New(env, n);
  Napi::Float64Array pid = Napi::Float64Array::New(env, n);
  Napi::Float64Array t_col = Napi::Float64Array::New(env, n);
  Napi::Float64Array cpu = Napi::Float64Array::New(env, n);
  Napi::Float64Array rss = Napi::Float64Array::New(env, n);
  Napi::Float64Array rss_peak = Napi::Float64Array::New(env, n);
  Napi::Float64Array thread_count = Napi::Float64Array::New(env, n);
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    const TargetSample& t = targets[i];
    while (k < samples.size() && samples[k].seq < t.seq) ++k;
    sample[i] = uint32_t(k);
    pid[i] = double(t.pid);
    t_col[i] = Seconds(t.t_ns);
    cpu[i] = t.cpu_percent;
    rss[i] = t.rss_bytes;
    rss_peak[i] = t.rss_peak_bytes;
    thread_count[i] = t.thread_count;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("length", double(n));
  o.Set("sample", sample);
  o.Set("pid", pid);
  o.Set("t", t_col);
  o.Set("cpu_percent", cpu);
  o.Set("rss_bytes", rss);
  o.Set("rss_peak_bytes", rss_peak);
  o.Set("thread_count", thread_count);
  return o;
}

class SamplerWrap : public Napi::ObjectWrap<SamplerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Sampler",
                       {
                           InstanceMethod<&SamplerWrap::Start>("start"),
                           InstanceMethod<&SamplerWrap::Stop>("stop"),
                           InstanceMethod<&SamplerWrap::Running>("running"),
                           InstanceMethod<&SamplerWrap::OpenWindow>("openWindow"),
                           InstanceMethod<&SamplerWrap::CloseWindow>("closeWindow"),
                           InstanceMethod<&SamplerWrap::OpenWindowCount>("openWindowCount"),
                           InstanceMethod<&SamplerWrap::Latest>("latest"),
                           InstanceMethod<&SamplerWrap::Timeline>("timeline"),
                           InstanceMethod<&SamplerWrap::Diagnostics>("diagnostics"),
                           InstanceMethod<&SamplerWrap::Capabilities>("capabilities"),
                           InstanceMethod<&SamplerWrap::AddTarget>("addTarget"),
                           InstanceMethod<&SamplerWrap::RemoveTarget>("removeTarget"),
                           InstanceMethod<&SamplerWrap::Targets>("targets"),
                       });
  }

  // new Sampler(intervalNs: number, threadIntervalNs: number, systemIntervalNs: number,
  //             timelineCapacity: number, gpuIntervalNs: number, idleIntervalNs?: number)
  explicit SamplerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SamplerWrap>(info) {
    SamplerConfig config;
    config.interval_ns = int64_t(NumberArg(info, 0, "intervalNs"));
    config.thread_interval_ns = int64_t(NumberArg(info, 1, "threadIntervalNs"));
    config.system_interval_ns = int64_t(NumberArg(info, 2, "systemIntervalNs"));
    config.timeline_capacity = size_t(NumberArg(info, 3, "timelineCapacity"));
    config.gpu_interval_ns = int64_t(NumberArg(info, 4, "gpuIntervalNs"));
    // Optional (callers of the bare addon that predate idle sampling pass five): off without it.
    config.idle_interval_ns = info.Length() > 5 ? int64_t(NumberArg(info, 5, "idleIntervalNs")) : 0;
    registry_ = info.Env().GetInstanceData<AddonData>()->registry;
    sampler_ = std::make_unique<Sampler>(config);
    registry_->live.insert(sampler_.get());
  }

  // Finalizer (GC, or env teardown): stops and joins the thread if still running.
  ~SamplerWrap() override {
    if (sampler_) {
      registry_->live.erase(sampler_.get());
      sampler_->stop();
    }
  }

 private:
  // start(): void
  void Start(const Napi::CallbackInfo&) { sampler_->start(); }
  // stop(): void
  void Stop(const Napi::CallbackInfo&) { sampler_->stop(); }
  // running(): boolean
  Napi::Value Running(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), sampler_->running()); }
  // openWindow(light?: boolean): number
  Napi::Value OpenWindow(const Napi::CallbackInfo& info) {
    const bool light = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    return Napi::Number::New(info.Env(), double(sampler_->open_window(light)));
  }
  // closeWindow(id: number, scalars: Float64Array): NativeWindowParts | true | null
  // (null: no open window with that id; see ScalarsToJs)
  Napi::Value CloseWindow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "id must be a number");
    if (info.Length() < 2 || !info[1].IsTypedArray() ||
        info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        info[1].As<Napi::Float64Array>().ElementLength() < kWindowScalars)
      throw Napi::TypeError::New(env, "scalars must be a Float64Array of at least 12 elements");
    const double id = info[0].As<Napi::Number>().DoubleValue();
    if (!(id >= 1 && id <= 4294967295.0) || std::floor(id) != id) return env.Null();
    WindowStats stats;
    if (!sampler_->close_window(uint32_t(id), stats)) return env.Null();
    ScalarsToJs(stats, info[1].As<Napi::Float64Array>().Data());
    return PartsToJs(env, stats);
  }
  // openWindowCount(): number
  Napi::Value OpenWindowCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), double(sampler_->open_window_count()));
  }
  // latest(): NativeLatest | null   (null before the first tick)
  Napi::Value Latest(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    LatestSample s;
    if (!sampler_->latest(s)) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    o.Set("t", Seconds(s.t_ns));
    o.Set("cpu_percent", NumberOrNull(env, s.cpu_percent));
    o.Set("rss_bytes", NumberOrNull(env, s.rss_bytes));
    o.Set("footprint_bytes", NumberOrNull(env, s.footprint_bytes));
    o.Set("system_cpu_percent", NumberOrNull(env, s.system_cpu_percent));
    o.Set("system_memory_percent", NumberOrNull(env, s.system_memory_percent));
    o.Set("gpu_util_percent", NumberOrNull(env, s.gpu_util_percent));
    o.Set("gpu_process_util_percent", NumberOrNull(env, s.gpu_process_util_percent));
    o.Set("gpu_memory_bytes", NumberOrNull(env, s.gpu_memory_bytes));
    o.Set("gpu_power_watts", NumberOrNull(env, s.gpu_power_watts));
    o.Set("thread_count", NumberOrNull(env, s.thread_count));
    return o;
  }
  // timeline(): NativeTimeline   (drains: each sample is returned once)
  Napi::Value Timeline(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    TimelineDrain d;
    sampler_->drain_timeline(d);
    const auto& s = d.samples;
    Napi::Object o = Napi::Object::New(env);
    o.Set("length", double(s.size()));
    o.Set("t", Column(env, s, [](const TimelineSample& x) { return Seconds(x.t_ns); }));
    o.Set("cpu_percent", Column(env, s, [](const TimelineSample& x) { return x.cpu_percent; }));
    o.Set("rss_bytes", Column(env, s, [](const TimelineSample& x) { return x.rss_bytes; }));
    o.Set("rss_peak_bytes", Column(env, s, [](const TimelineSample& x) { return x.rss_peak_bytes; }));
    o.Set("footprint_bytes", Column(env, s, [](const TimelineSample& x) { return x.footprint_bytes; }));
    o.Set("system_cpu_percent", Column(env, s, [](const TimelineSample& x) { return x.system_cpu_percent; }));
    o.Set("system_memory_percent",
          Column(env, s, [](const TimelineSample& x) { return x.system_memory_percent; }));
    o.Set("gpu_util_percent", Column(env, s, [](const TimelineSample& x) { return x.gpu_util_percent; }));
    o.Set("gpu_process_util_percent",
          Column(env, s, [](const TimelineSample& x) { return x.gpu_process_util_percent; }));
    o.Set("gpu_memory_bytes", Column(env, s, [](const TimelineSample& x) { return x.gpu_memory_bytes; }));
    o.Set("gpu_power_watts", Column(env, s, [](const TimelineSample& x) { return x.gpu_power_watts; }));
    o.Set("thread_count", Column(env, s, [](const TimelineSample& x) { return x.thread_count; }));
    o.Set("tick_interval_ms", Column(env, s, [](const TimelineSample& x) { return double(x.tick_interval_ns) / 1e6; }));

    // Thread entries point at their sample by index in this batch. Both lists are in seq order.
    const size_t n = d.threads.size();
    Napi::Uint32Array sample = Napi::Uint32Array::New(env, n);
    Napi::Float64Array pid = Napi::Float64Array::New(env, n);
    Napi::Float64Array tid = Napi::Float64Array::New(env, n);
    Napi::Float64Array pct = Napi::Float64Array::New(env, n);
    Napi::Object names = Napi::Object::New(env);
    std::unordered_set<Tid> named;  // tids are unique across processes of one pid namespace
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      const ThreadSample& t = d.threads[i];
      while (k < s.size() && s[k].seq < t.seq) ++k;
      sample[i] = uint32_t(k);
      pid[i] = double(t.pid);
      tid[i] = double(t.tid);
      pct[i] = t.cpu_percent;
      if (named.insert(t.tid).second) names.Set(std::to_string(t.tid), sampler_->thread_name(t.pid, t.tid));
    }
    Napi::Object threads = Napi::Object::New(env);
    threads.Set("length", double(n));
    threads.Set("sample", sample);
    threads.Set("pid", pid);
    threads.Set("tid", tid);
    threads.Set("cpu_percent", pct);
    o.Set("threads", threads);
    o.Set("thread_names", names);
    o.Set("targets", TargetColumns(env, s, d.targets));
    o.Set("dropped_samples", double(d.dropped_samples));
    o.Set("dropped_thread_samples", double(d.dropped_thread_samples));
    o.Set("dropped_target_samples", double(d.dropped_target_samples));
    return o;
  }
  // addTarget(pid: number, role: string): NativeTargetInfo
  Napi::Value AddTarget(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const double pid = NumberArg(info, 0, "pid");
    if (std::floor(pid) != pid || pid > 4194304.0) throw Napi::RangeError::New(env, "pid must be an integer pid");
    if (info.Length() < 2 || !info[1].IsString()) throw Napi::TypeError::New(env, "role must be a string");
    return TargetInfoToJs(env, sampler_->add_target(Pid(pid), info[1].As<Napi::String>().Utf8Value()));
  }
  // removeTarget(pid: number): boolean   (false: not attached)
  Napi::Value RemoveTarget(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), sampler_->remove_target(Pid(NumberArg(info, 0, "pid"))));
  }
  // targets(): NativeTargetInfo[]
  Napi::Value Targets(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::vector<TargetInfo> list = sampler_->targets();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(uint32_t(i), TargetInfoToJs(env, list[i]));
    return out;
  }
  // diagnostics(): NativeDiagnostics
  Napi::Value Diagnostics(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const SamplerDiagnostics d = sampler_->diagnostics();
    Napi::Object o = Napi::Object::New(env);
    o.Set("running", d.running);
    o.Set("thread_tid", OptionalNumber(env, d.thread_tid));
    o.Set("thread_cpu_seconds", Seconds(d.thread_cpu_ns));
    o.Set("ticks", double(d.ticks));
    o.Set("missed_ticks", double(d.missed_ticks));
    o.Set("idle_ticks", double(d.idle_ticks));
    o.Set("tick_work_seconds", Seconds(d.tick_work_ns));
    o.Set("gpu_thread_cpu_seconds", Seconds(d.gpu_thread_cpu_ns));
    o.Set("gpu_readings", double(d.gpu_readings));
    o.Set("gpu_read_seconds", Seconds(d.gpu_read_ns));
    o.Set("open_windows", double(d.open_windows));
    o.Set("wakeups", d.wakeups);
    o.Set("error", d.error.empty() ? env.Null() : Napi::String::New(env, d.error));
    return o;
  }

  // capabilities(): NativeCapabilities   (this sampler's backends and intervals)
  Napi::Value Capabilities(const Napi::CallbackInfo& info) {
    return CapabilitiesToJs(info.Env(), sampler_->config(), sampler_->probe(), sampler_->gpu(), sampler_->energy());
  }

  std::shared_ptr<Registry> registry_;
  std::unique_ptr<Sampler> sampler_;
};

// threadId(): number   (the calling thread's OS thread id)
Napi::Value ThreadId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(platform::current_thread_id()));
}

// now(): number   (seconds on the samples' clock = process.hrtime)
Napi::Value Now(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Seconds(platform::monotonic_ns()));
}

// nowNs(): bigint   (nanoseconds on the samples' clock = process.hrtime.bigint())
Napi::Value NowNs(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), platform::monotonic_ns());
}

// capabilities(): NativeCapabilities   (fresh backends, the default intervals)
Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  ProcessProbe probe;
  std::unique_ptr<GpuBackend> gpu = make_gpu_backend();
  std::unique_ptr<EnergySource> energy = make_energy_source();
  return CapabilitiesToJs(info.Env(), SamplerConfig(), probe, *gpu, *energy);
}

#ifdef __APPLE__
// processList(): { entries: { pid, name, exe, args, uid }[]; denied: number }   (macOS only)
Napi::Value ProcessList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t denied = 0;
  const std::vector<ProcessRow> rows = list_processes(denied);
  Napi::Array entries = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const ProcessRow& r = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("pid", double(r.pid));
    o.Set("name", r.name);
    o.Set("exe", r.exe ? Napi::Value(Napi::String::New(env, *r.exe)) : env.Null());
    if (r.args) {
      Napi::Array args = Napi::Array::New(env, r.args->size());
      for (size_t k = 0; k < r.args->size(); ++k) args.Set(uint32_t(k), (*r.args)[k]);
      o.Set("args", args);
    } else {
      o.Set("args", env.Null());
    }
    o.Set("uid", OptionalNumber(env, r.uid));
    entries.Set(uint32_t(i), o);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("entries", entries);
  out.Set("denied", double(denied));
  return out;
}

// listeningPids(port: number): { pids: number[]; denied: number }   (macOS only)
Napi::Value ListeningPids(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t denied = 0;
  const std::vector<Pid> pids = listening_pids(int(NumberArg(info, 0, "port")), denied);
  Napi::Array list = Napi::Array::New(env, pids.size());
  for (size_t i = 0; i < pids.size(); ++i) list.Set(uint32_t(i), double(pids[i]));
  Napi::Object out = Napi::Object::New(env);
  out.Set("pids", list);
  out.Set("denied", double(denied));
  return out;
}
#endif

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function ctor = SamplerWrap::Define(env);
  data->sampler_constructor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
  NAPI_THROW_IF_FAILED(env, napi_add_env_cleanup_hook(env, StopAllOnTeardown, data->registry.get()), exports);

  exports.Set("Sampler", ctor);
  exports.Set("threadId", Napi::Function::New<ThreadId>(env, "threadId"));
  exports.Set("now", Napi::Function::New<Now>(env, "now"));
  exports.Set("nowNs", Napi::Function::New<NowNs>(env, "nowNs"));
  exports.Set("capabilities", Napi::Function::New<Capabilities>(env, "capabilities"));
  exports.Set("napiVersion", NAPI_VERSION);
#ifdef __APPLE__
  exports.Set("processList", Napi::Function::New<ProcessList>(env, "processList"));
  exports.Set("listeningPids", Napi::Function::New<ListeningPids>(env, "listeningPids"));
#endif
  return exports;
}

}  // namespace
}  // namespace llmmon

// NODE_API_MODULE pastes the init function's name into an identifier: it must be unqualified.
static Napi::Object InitSamplerAddon(Napi::Env env, Napi::Object exports) { return llmmon::Init(env, exports); }
NODE_API_MODULE(llmmon_sampler, InitSamplerAddon)
