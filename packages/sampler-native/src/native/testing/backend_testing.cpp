// TEST-ONLY bindings of this platform's GPU backend and energy source, read directly (no
// sampler), so a test can compare them with a workload of known size (test/iokit.darwin.test.ts
// with MetalWorkload on macOS).
//
//   gpuBackend(): { name, devices: GpuDeviceInfo[], counters: { name, available, source, reason }[] }
//   gpuRead(pids: number[]): { devices: {...}[], processes: { pid, device, memory_bytes, busy_ns }[] }
//   energySource(): { name, channels: { name, scope, available, source, reason }[] }
//   energyRead(): (number | null)[]      cumulative microjoules per channel
#include <memory>
#include <mutex>

#include "energy.h"
#include "gpu.h"
#include "napi_setup.h"

namespace llmmon::testing {
namespace {

template <class T>
Napi::Value Opt(Napi::Env env, const std::optional<T>& v) {
  return v ? Napi::Value(Napi::Number::New(env, double(*v))) : env.Null();
}

// A JS array of one object per item.
template <class T, class F>
Napi::Array ArrayOf(Napi::Env env, const std::vector<T>& items, F object_of) {
  Napi::Array a = Napi::Array::New(env, items.size());
  uint32_t i = 0;
  for (const T& item : items) a.Set(i++, object_of(item));
  return a;
}

// What a counter or an energy channel says of itself: whether it is read, from where, else why.
template <class C>
Napi::Object Availability(Napi::Env env, const C& c) {
  Napi::Object x = Napi::Object::New(env);
  x.Set("name", c.name);
  x.Set("available", c.available);
  x.Set("source", c.source);
  x.Set("reason", c.reason);
  return x;
}

// One backend and one source per process, created on first use (as a Sampler would) and kept.
GpuBackend& Backend() {
  static GpuBackend* backend = make_gpu_backend().release();
  return *backend;
}
EnergySource& Energy() {
  static EnergySource* source = make_energy_source().release();
  return *source;
}

Napi::Value GpuBackendInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GpuBackend& b = Backend();
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", b.name());
  o.Set("devices", ArrayOf(env, b.devices(), [&](const GpuDeviceInfo& d) {
          Napi::Object x = Napi::Object::New(env);
          x.Set("index", d.index);
          x.Set("id", d.id);
          x.Set("name", d.name);
          x.Set("vendor", d.vendor);
          x.Set("core_count", Opt(env, d.core_count));
          return x;
        }));
  o.Set("counters", ArrayOf(env, b.counters(), [&](const GpuCounterInfo& c) { return Availability(env, c); }));
  return o;
}

Napi::Value GpuRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Pid> pids;
  if (info.Length() > 0 && info[0].IsArray()) {
    Napi::Array a = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) pids.push_back(Pid(a.Get(i).As<Napi::Number>().Int64Value()));
  }
  GpuReading r;
  Backend().read(pids, r);
  Napi::Object o = Napi::Object::New(env);
  o.Set("devices", ArrayOf(env, r.devices, [&](const GpuDeviceReading& d) {
          Napi::Object x = Napi::Object::New(env);
          x.Set("util_percent", Opt(env, d.util_percent));
          x.Set("memory_used_bytes", Opt(env, d.memory_used_bytes));
          x.Set("energy_uj", Opt(env, d.energy_uj));
          x.Set("throttle", Opt(env, d.throttle));
          return x;
        }));
  o.Set("processes", ArrayOf(env, r.processes, [&](const GpuProcessReading& p) {
          Napi::Object x = Napi::Object::New(env);
          x.Set("pid", Napi::Number::New(env, double(p.pid)));
          x.Set("device", p.device);
          x.Set("memory_bytes", Opt(env, p.memory_bytes));
          std::optional<uint64_t> busy;
          for (const GpuEngineBusy& e : p.engines) busy = busy.value_or(0) + e.busy_ns;
          x.Set("busy_ns", Opt(env, busy));
          return x;
        }));
  return o;
}

Napi::Value EnergySourceInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Energy().name());
  o.Set("channels", ArrayOf(env, Energy().channels(), [&](const EnergyChannelInfo& c) {
          Napi::Object x = Availability(env, c);
          x.Set("scope", c.scope);
          return x;
        }));
  return o;
}

Napi::Value EnergyRead(const Napi::CallbackInfo& info) {
  std::vector<std::optional<uint64_t>> uj;
  Energy().read(uj);
  Napi::Array out = Napi::Array::New(info.Env(), uj.size());
  for (uint32_t i = 0; i < uj.size(); ++i) out.Set(i, Opt(info.Env(), uj[i]));
  return out;
}

}  // namespace

void RegisterBackendTesting(Napi::Env env, Napi::Object exports) {
  exports.Set("gpuBackend", Napi::Function::New<GpuBackendInfo>(env, "gpuBackend"));
  exports.Set("gpuRead", Napi::Function::New<GpuRead>(env, "gpuRead"));
  exports.Set("energySource", Napi::Function::New<EnergySourceInfo>(env, "energySource"));
  exports.Set("energyRead", Napi::Function::New<EnergyRead>(env, "energyRead"));
}

}  // namespace llmmon::testing
