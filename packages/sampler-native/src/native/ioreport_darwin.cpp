#include "ioreport_darwin.h"

#include <CoreFoundation/CoreFoundation.h>
#include <dlfcn.h>
#include <time.h>

#include "darwin_cf.h"

namespace llmmon::apple {

namespace {

constexpr const char* kLibrary = "/usr/lib/libIOReport.dylib";
constexpr uint64_t kMinSampleGapNs = 20000000;

uint64_t now_ns() { return clock_gettime_nsec_np(CLOCK_UPTIME_RAW); }

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

}  // namespace

struct IoReportEnergy::Api {
  CFDictionaryRef (*copy_channels_in_group)(CFStringRef, CFStringRef, uint64_t, uint64_t, uint64_t);
  void* (*create_subscription)(void*, CFMutableDictionaryRef, CFMutableDictionaryRef*, uint64_t, CFTypeRef);
  CFDictionaryRef (*create_samples)(void*, CFMutableDictionaryRef, CFTypeRef);
  CFDictionaryRef (*create_samples_delta)(CFDictionaryRef, CFDictionaryRef, CFTypeRef);
  CFStringRef (*channel_get_group)(CFDictionaryRef);
  CFStringRef (*channel_get_name)(CFDictionaryRef);
  CFStringRef (*channel_get_unit)(CFDictionaryRef);
  int64_t (*simple_get_integer)(CFDictionaryRef, int32_t);
};

namespace {

// Calls f(domain, channel, unit) for every counted channel of an "IOReportChannels" array.
template <class F>
void each_energy_channel(const IoReportEnergy::Api& api, CFTypeRef list, F&& f) {
  if (!is_type(list, CFArrayGetTypeID())) return;
  const CFArrayRef items = static_cast<CFArrayRef>(list);
  for (CFIndex i = 0; i < CFArrayGetCount(items); ++i) {
    CFTypeRef item = CFArrayGetValueAtIndex(items, i);
    if (!is_type(item, CFDictionaryGetTypeID())) continue;
    CFDictionaryRef ch = static_cast<CFDictionaryRef>(item);
    const EnergyDomain d = classify_energy_channel(to_string(api.channel_get_group(ch)), to_string(api.channel_get_name(ch)));
    if (d != EnergyDomain::kNone) f(d, ch, trimmed(to_string(api.channel_get_unit(ch))));
  }
}

}  // namespace

IoReportEnergy& IoReportEnergy::shared() {
  static IoReportEnergy* instance = new IoReportEnergy();  // never destroyed (see the header)
  return *instance;
}

IoReportEnergy::IoReportEnergy() {
  void* lib = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* err = dlerror();
    why_not_ = std::string("IOReport (a private macOS library) could not be loaded: ") + (err ? err : kLibrary);
    return;
  }
  api_ = new Api();
  std::string missing;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    if (!fn) missing += (missing.empty() ? "" : ", ") + std::string(name);
  };
  sym(api_->copy_channels_in_group, "IOReportCopyChannelsInGroup");
  sym(api_->create_subscription, "IOReportCreateSubscription");
  sym(api_->create_samples, "IOReportCreateSamples");
  sym(api_->create_samples_delta, "IOReportCreateSamplesDelta");
  sym(api_->channel_get_group, "IOReportChannelGetGroup");
  sym(api_->channel_get_name, "IOReportChannelGetChannelName");
  sym(api_->channel_get_unit, "IOReportChannelGetUnitLabel");
  sym(api_->simple_get_integer, "IOReportSimpleGetIntegerValue");
  if (!missing.empty()) {
    why_not_ = "IOReport (a private macOS library) lacks " + missing + " on this macOS";
    return;
  }
  CfOwned group = cf_string("Energy Model");
  CfOwned found(api_->copy_channels_in_group(static_cast<CFStringRef>(group.get()), nullptr, 0, 0, 0));
  const CFTypeRef list = dict_get(found.get(), "IOReportChannels");
  if (!is_type(list, CFArrayGetTypeID()) || CFArrayGetCount(static_cast<CFArrayRef>(list)) == 0) {
    why_not_ = "IOReport has no \"Energy Model\" channels on this Mac (Apple Silicon publishes them; Intel Macs and VMs do not)";
    return;
  }
  CFMutableDictionaryRef channels = CFDictionaryCreateMutableCopy(
      kCFAllocatorDefault, CFDictionaryGetCount(static_cast<CFDictionaryRef>(found.get())),
      static_cast<CFDictionaryRef>(found.get()));
  CFMutableDictionaryRef subscribed = nullptr;
  subscription_ = channels ? api_->create_subscription(nullptr, channels, &subscribed, 0, nullptr) : nullptr;
  if (subscribed) CFRelease(subscribed);
  if (!subscription_) {
    if (channels) CFRelease(channels);
    why_not_ = "IOReportCreateSubscription refused the \"Energy Model\" channels";
    return;
  }
  channels_ = channels;
  previous_ = api_->create_samples(subscription_, channels, nullptr);
  if (!is_type(previous_, CFDictionaryGetTypeID())) {
    if (previous_) CFRelease(previous_);
    previous_ = nullptr;
    why_not_ = "IOReportCreateSamples returned no sample dictionary";
    return;
  }
  previous_ns_ = now_ns();
  // Which domains this Mac has: the totals are 0 (not unknown) until energy is published.
  each_energy_channel(*api_, list, [this](EnergyDomain d, CFDictionaryRef, const std::string& unit) {
    if (microjoules_per_unit(unit)) totals_.mark_present(d);
  });
  ok_ = true;
}

EnergyTotals IoReportEnergy::read() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ok_) return totals_;
  const uint64_t t = now_ns();
  if (t - previous_ns_ < kMinSampleGapNs) return totals_;
  CFDictionaryRef current = api_->create_samples(subscription_, (CFMutableDictionaryRef)channels_, nullptr);
  if (!is_type(current, CFDictionaryGetTypeID())) {
    if (current) CFRelease(current);
    return totals_;
  }
  CfOwned delta(api_->create_samples_delta(static_cast<CFDictionaryRef>(previous_), current, nullptr));
  CFRelease(previous_);
  previous_ = current;
  previous_ns_ = t;
  each_energy_channel(*api_, dict_get(delta.get(), "IOReportChannels"),
                      [this](EnergyDomain d, CFDictionaryRef ch, const std::string& unit) {
                        totals_.add(d, api_->simple_get_integer(ch, 0), unit);
                      });
  return totals_;
}

}  // namespace llmmon::apple
