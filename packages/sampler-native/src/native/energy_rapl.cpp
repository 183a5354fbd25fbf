// Linux CPU energy from powercap RAPL: <sys>/class/powercap/intel-rapl:<n>[:<m>]/energy_uj
// (LLMMON_SYS_ROOT overrides /sys, for tests).
//
// Rules this file keeps:
//  - Channel "cpu" sums the package zones (top-level zones named package-<n>); their core and
//    uncore subzones are inside them and are not added again; "psys" (the whole platform) and
//    the intel-rapl-mmio zones (a second view of the same package counters) are skipped.
//    Channel "dram" sums the zones named dram, which the package does not include.
//  - energy_uj counts microjoules up to max_energy_range_uj, then wraps to 0. Each zone keeps a
//    MonotoneCounter that adds one range per wrap it sees, so the sampler's GPU thread reads the
//    source on every pass (a wrap takes ~40 s at 100 W for a 2^32 uJ range, far longer for the
//    usual ~262 kJ range); a window read only at open and close (sampler stopped) could miss a
//    second wrap.
//  - Since Linux 5.10 energy_uj is readable by root only (the PLATYPUS power side channel,
//    CVE-2020-8694): for any other user the channel is unavailable with that reason.
//  - Files are opened once and re-read with pread (sysfs regenerates them at offset 0); one
//    lock guards the counters (the GPU thread and the owner thread both read).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

#include "counter_math.h"
#include "energy.h"
#include "fs_util.h"

namespace llmmon {
namespace {

struct Zone {
  std::string name;  // "package-0", "dram"
  int fd = -1;
  MonotoneCounter counter{MonotoneCounter::Kind::kWrapping};
};

struct Channel {
  EnergyChannelInfo info;
  std::vector<Zone> zones;
};

bool pread_uint(int fd, uint64_t& out) {
  char buf[64];
  ssize_t n;
  do {
    n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buf[n] = '\0';
  char* end = nullptr;
  out = std::strtoull(buf, &end, 10);
  return end != buf;
}

class RaplSource final : public EnergySource {
 public:
  explicit RaplSource(const std::string& sys_root) {
    const std::string root = sys_root + "/class/powercap";
    channels_.resize(2);
    channels_[0].info = {"cpu", "package", false, root + "/intel-rapl:<n>/energy_uj (package-<n>)", "", kRaplPeriodMs};
    channels_[1].info = {"dram", "package", false, root + "/intel-rapl:<n>:<m>/energy_uj (dram)", "", kRaplPeriodMs};
    std::string first_error;
    for (const std::string& zone : fs::list_dir(root)) {
      if (zone.rfind("intel-rapl:", 0) != 0) continue;  // skips intel-rapl-mmio:*, a second view
      const std::string dir = root + "/" + zone;
      const std::string name = fs::trimmed(fs::read_text_or(dir + "/name", ""));
      const bool top = std::count(zone.begin(), zone.end(), ':') == 1;
      Channel* ch = nullptr;
      if (top && name.rfind("package-", 0) == 0) ch = &channels_[0];
      if (name == "dram") ch = &channels_[1];
      if (!ch) continue;
      Zone z;
      z.name = name;
      z.fd = ::open((dir + "/energy_uj").c_str(), O_RDONLY | O_CLOEXEC);
      if (z.fd < 0) {
        const int e = errno;
        if (ch->info.reason.empty())
          ch->info.reason = dir + "/energy_uj: " + std::strerror(e) +
                            (e == EACCES ? " (readable by root only since Linux 5.10, CVE-2020-8694: run as root, "
                                           "or grant read access to the file)"
                                         : "");
        continue;
      }
      z.counter = MonotoneCounter(MonotoneCounter::Kind::kWrapping, fs::read_uint(dir + "/max_energy_range_uj").value_or(0));
      uint64_t raw;
      if (!pread_uint(z.fd, raw)) {
        ::close(z.fd);
        if (ch->info.reason.empty()) ch->info.reason = dir + "/energy_uj: unreadable";
        continue;
      }
      z.counter.update(raw);
      ch->zones.push_back(std::move(z));
    }
    for (Channel& ch : channels_) {
      // Every zone must be readable: a sum over some packages would undercount.
      ch.info.available = !ch.zones.empty() && ch.info.reason.empty();
      if (ch.zones.empty() && ch.info.reason.empty())
        ch.info.reason = "no RAPL " + ch.info.name + " zone in " + root +
                         (ch.info.name == "cpu" ? " (not an Intel or AMD CPU, the intel_rapl driver not loaded, or a "
                                                  "virtual machine)"
                                                : "");
    }
  }

  ~RaplSource() override {
    for (Channel& ch : channels_)
      for (Zone& z : ch.zones) ::close(z.fd);
  }

  const char* name() const override { return "rapl"; }

  std::vector<EnergyChannelInfo> channels() const override {
    std::vector<EnergyChannelInfo> out;
    for (const Channel& ch : channels_) out.push_back(ch.info);
    return out;
  }

  void read(std::vector<std::optional<uint64_t>>& out_uj) override {
    std::lock_guard<std::mutex> lock(mu_);
    out_uj.assign(channels_.size(), std::nullopt);
    for (size_t i = 0; i < channels_.size(); ++i) {
      Channel& ch = channels_[i];
      if (!ch.info.available) continue;
      uint64_t sum = 0;
      bool ok = true;
      for (Zone& z : ch.zones) {
        uint64_t raw;
        if (!pread_uint(z.fd, raw)) {
          ok = false;
          break;
        }
        sum += z.counter.update(raw);
      }
      if (ok) out_uj[i] = sum;
    }
  }

 private:
  // The kernel documents no update period for energy_uj.
  static constexpr double kRaplPeriodMs = std::numeric_limits<double>::quiet_NaN();
  std::mutex mu_;
  std::vector<Channel> channels_;
};

}  // namespace

std::unique_ptr<EnergySource> make_energy_source() {
  const char* sys = std::getenv("LLMMON_SYS_ROOT");
  return std::make_unique<RaplSource>(sys && *sys ? sys : "/sys");
}

}  // namespace llmmon
