// TEST-ONLY bindings of the macOS backend's portable rules (apple_gpu_rules.h,
// apple_energy_rules.h), fed with published `ioreg` listings and IOReport channel lists, so the
// rules are tested on Linux (test/apple-iokit.test.ts, test/apple-energy.test.ts).
//
//   appleAccelerators(ioregText): AcceleratorResult[]     the depth-0 nodes, read as the backend reads them
//   appleUserClients(ioregText): { id, pid, gpu_ns }[]    the deeper nodes (user clients)
//   appleLedger(passes: { id, pid, ns }[][], pids): Record<pid, number | null>[]   totals after each pass
//   appleEnergy(steps: { group, channel, unit, delta }[][]): { cpu, gpu, ane, dram, ignored }[]
//   appleThermal(level): { throttles, name }
#include <stdexcept>

#include "apple_energy_rules.h"
#include "apple_gpu_rules.h"
#include "ioreg_text.h"
#include "napi_setup.h"

namespace llmmon::testing {
namespace {

template <class T>
Napi::Value Opt(Napi::Env env, const std::optional<T>& v) {
  return v ? Napi::Value(Napi::Number::New(env, double(*v))) : env.Null();
}

Napi::Value Str(Napi::Env env, const std::string& s) { return s.empty() ? env.Null() : Napi::String::New(env, s); }

std::string TextArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "ioregText must be a string");
  return info[0].As<Napi::String>().Utf8Value();
}

std::vector<IoregNode> Parse(const Napi::CallbackInfo& info) {
  try {
    return parse_ioreg(TextArg(info));
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

size_t TopDepth(const std::vector<IoregNode>& nodes) {
  size_t d = SIZE_MAX;
  for (const IoregNode& n : nodes) d = std::min(d, n.depth);
  return d;
}

Napi::Value Accelerators(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<IoregNode> nodes = Parse(info);
  const size_t top = TopDepth(nodes);
  Napi::Array out = Napi::Array::New(env);
  for (const IoregNode& n : nodes) {
    if (n.depth != top) continue;
    const apple::AcceleratorProps p = accelerator_props(n);
    const apple::AcceleratorStats s = apple::select_statistics(p);
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", apple::accelerator_name(p));
    o.Set("io_class", p.io_class);
    o.Set("vendor", Str(env, apple::accelerator_vendor(p.io_class)));
    o.Set("registry_id", Napi::Number::New(env, double(n.id)));
    o.Set("core_count", Opt(env, p.core_count));
    o.Set("has_statistics", p.has_statistics);
    o.Set("device_util_percent", Opt(env, s.device_util_percent));
    o.Set("renderer_util_percent", Opt(env, s.renderer_util_percent));
    o.Set("tiler_util_percent", Opt(env, s.tiler_util_percent));
    o.Set("in_use_bytes", Opt(env, s.in_use_bytes));
    o.Set("alloc_bytes", Opt(env, s.alloc_bytes));
    o.Set("util_key", Str(env, s.util_key));
    o.Set("memory_key", Str(env, s.memory_key));
    o.Set("util_reason", s.util_key.empty() ? Napi::Value(Napi::String::New(env, apple::missing_keys_reason("utilisation", apple::kUtilKeys))) : env.Null());
    o.Set("memory_reason", s.memory_key.empty() ? Napi::Value(Napi::String::New(env, apple::missing_keys_reason("memory in use", apple::kMemoryKeys))) : env.Null());
    out.Set(out.Length(), o);
  }
  return out;
}

Napi::Value UserClients(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<IoregNode> nodes = Parse(info);
  const size_t top = TopDepth(nodes);
  Napi::Array out = Napi::Array::New(env);
  for (const IoregNode& n : nodes) {
    if (n.depth == top) continue;
    const apple::UserClientProps c = user_client_props(n);
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", Napi::Number::New(env, double(n.id)));
    o.Set("io_class", n.io_class);
    o.Set("pid", Opt(env, apple::creator_pid(c.creator)));
    o.Set("gpu_ns", Opt(env, apple::client_gpu_ns(c)));
    out.Set(out.Length(), o);
  }
  return out;
}

double Field(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(name) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

std::string TextField(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(name) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Value Ledger(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsArray())
    throw Napi::TypeError::New(env, "appleLedger(passes, pids) takes two arrays");
  Napi::Array passes = info[0].As<Napi::Array>();
  Napi::Array pids = info[1].As<Napi::Array>();
  apple::ClientTimeLedger ledger;
  Napi::Array out = Napi::Array::New(env);
  for (uint32_t i = 0; i < passes.Length(); ++i) {
    Napi::Array pass = passes.Get(i).As<Napi::Array>();
    ledger.begin_pass();
    for (uint32_t j = 0; j < pass.Length(); ++j) {
      Napi::Object c = pass.Get(j).As<Napi::Object>();
      ledger.note(uint64_t(Field(c, "id")), Pid(Field(c, "pid")), uint64_t(Field(c, "ns")));
    }
    ledger.end_pass();
    Napi::Object totals = Napi::Object::New(env);
    for (uint32_t j = 0; j < pids.Length(); ++j) {
      const Pid pid = Pid(pids.Get(j).As<Napi::Number>().Int64Value());
      totals.Set(std::to_string(pid), Opt(env, ledger.total_ns(pid)));
    }
    out.Set(i, totals);
  }
  return out;
}

Napi::Value Energy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "appleEnergy(steps) takes an array");
  Napi::Array steps = info[0].As<Napi::Array>();
  apple::EnergyTotals totals;
  Napi::Array out = Napi::Array::New(env);
  for (uint32_t i = 0; i < steps.Length(); ++i) {
    Napi::Array step = steps.Get(i).As<Napi::Array>();
    Napi::Array ignored = Napi::Array::New(env);
    for (uint32_t j = 0; j < step.Length(); ++j) {
      Napi::Object ch = step.Get(j).As<Napi::Object>();
      const std::string channel = TextField(ch, "channel");
      const apple::EnergyDomain d = apple::classify_energy_channel(TextField(ch, "group"), channel);
      if (!totals.add(d, int64_t(Field(ch, "delta")), TextField(ch, "unit"))) ignored.Set(ignored.Length(), channel);
    }
    Napi::Object o = Napi::Object::New(env);
    for (apple::EnergyDomain d : {apple::EnergyDomain::kCpu, apple::EnergyDomain::kGpu, apple::EnergyDomain::kAne,
                                  apple::EnergyDomain::kDram})
      o.Set(apple::energy_domain_name(d), Opt(env, totals.total_uj(d)));
    o.Set("ignored", ignored);
    out.Set(i, o);
  }
  return out;
}

Napi::Value Thermal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "level must be a number");
  const uint64_t level = uint64_t(info[0].As<Napi::Number>().Int64Value());
  Napi::Object o = Napi::Object::New(env);
  o.Set("throttles", apple::thermal_pressure_throttles(level));
  o.Set("name", apple::thermal_pressure_name(level));
  return o;
}

}  // namespace

void RegisterAppleRules(Napi::Env env, Napi::Object exports) {
  exports.Set("appleAccelerators", Napi::Function::New<Accelerators>(env, "appleAccelerators"));
  exports.Set("appleUserClients", Napi::Function::New<UserClients>(env, "appleUserClients"));
  exports.Set("appleLedger", Napi::Function::New<Ledger>(env, "appleLedger"));
  exports.Set("appleEnergy", Napi::Function::New<Energy>(env, "appleEnergy"));
  exports.Set("appleThermal", Napi::Function::New<Thermal>(env, "appleThermal"));
}

}  // namespace llmmon::testing
