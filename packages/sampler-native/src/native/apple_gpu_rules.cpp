#include "apple_gpu_rules.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace llmmon::apple {

// Apple Silicon M1-M3 (AGXAcceleratorG13*/G14*/G15*) and Intel iGPUs: "Device Utilization %".
// AMD GPUs of Intel Macs publish "GPU Activity(%)" instead (exelban/stats reads both).
const std::vector<std::string> kUtilKeys = {"Device Utilization %", "GPU Activity(%)"};
// Apple Silicon and Intel iGPUs: "In use system memory"; AMD discrete GPUs: "vramUsedBytes".
const std::vector<std::string> kMemoryKeys = {"In use system memory", "vramUsedBytes"};

namespace {

const double* find(const AcceleratorProps& p, const std::string& key) {
  auto it = p.statistics.find(key);
  return it == p.statistics.end() ? nullptr : &it->second;
}

// A percentage as printed (integers 0-100); anything else is not a reading.
std::optional<double> percent(const double* v) {
  if (!v || !std::isfinite(*v) || *v < 0 || *v > 100) return std::nullopt;
  return *v;
}

std::optional<uint64_t> bytes(const double* v) {
  if (!v || !std::isfinite(*v) || *v < 0 || *v > double(std::numeric_limits<uint64_t>::max())) return std::nullopt;
  return uint64_t(*v);
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

AcceleratorStats select_statistics(const AcceleratorProps& props) {
  AcceleratorStats s;
  if (!props.has_statistics) return s;
  for (const std::string& key : kUtilKeys) {
    if (auto v = percent(find(props, key))) {
      s.device_util_percent = v;
      s.util_key = key;
      break;
    }
  }
  for (const std::string& key : kMemoryKeys) {
    if (auto v = bytes(find(props, key))) {
      s.in_use_bytes = v;
      s.memory_key = key;
      break;
    }
  }
  s.renderer_util_percent = percent(find(props, "Renderer Utilization %"));
  s.tiler_util_percent = percent(find(props, "Tiler Utilization %"));
  s.alloc_bytes = bytes(find(props, "Alloc system memory"));
  return s;
}

std::string accelerator_vendor(const std::string& io_class) {
  if (starts_with(io_class, "AGX")) return "apple";
  if (starts_with(io_class, "Intel")) return "intel";
  if (starts_with(io_class, "AMD") || starts_with(io_class, "ATI")) return "amd";
  if (starts_with(io_class, "nv") || starts_with(io_class, "NV")) return "nvidia";
  return "";
}

std::string accelerator_name(const AcceleratorProps& props) {
  return props.model.empty() ? props.io_class : props.model;
}

std::string missing_keys_reason(const std::string& figure, const std::vector<std::string>& keys) {
  std::string out = "this GPU's PerformanceStatistics has no " + figure + " (looked for";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? ", \"" : " \"") + keys[i] + "\"";
  return out + ")";
}

std::optional<Pid> creator_pid(const std::string& creator) {
  if (!starts_with(creator, "pid ")) return std::nullopt;
  size_t i = 4;
  Pid pid = 0;
  const size_t first = i;
  while (i < creator.size() && std::isdigit(static_cast<unsigned char>(creator[i])) && i - first < 10)
    pid = pid * 10 + (creator[i++] - '0');
  if (i == first) return std::nullopt;
  if (i < creator.size() && creator[i] != ',') return std::nullopt;
  return pid;
}

std::optional<uint64_t> client_gpu_ns(const UserClientProps& client) {
  if (client.has_app_usage && !client.app_usage_gpu_ns.empty()) {
    uint64_t sum = 0;
    for (uint64_t ns : client.app_usage_gpu_ns) sum += ns;
    return sum;
  }
  return client.direct_gpu_ns;
}

void ClientTimeLedger::begin_pass() {
  for (auto& entry : clients_) entry.second.seen = false;
}

void ClientTimeLedger::note(uint64_t client_id, Pid pid, uint64_t gpu_ns) {
  auto it = clients_.find(client_id);
  if (it == clients_.end()) {
    clients_.emplace(client_id, Client{pid, gpu_ns, true});
    totals_[pid] += gpu_ns;
    return;
  }
  Client& c = it->second;
  c.seen = true;
  if (gpu_ns > c.last_ns) {
    totals_[c.pid] += gpu_ns - c.last_ns;
    c.last_ns = gpu_ns;
  }
}

void ClientTimeLedger::end_pass() {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (it->second.seen) {
      ++it;
    } else {
      it = clients_.erase(it);
    }
  }
}

std::optional<uint64_t> ClientTimeLedger::total_ns(Pid pid) const {
  auto it = totals_.find(pid);
  if (it == totals_.end()) return std::nullopt;
  return it->second;
}

}  // namespace llmmon::apple
