#include "drm_fdinfo.h"

#include <cstdlib>
#include <sstream>

namespace llmmon {

namespace {

bool starts_with(const std::string& s, const char* prefix, std::string& rest) {
  const size_t n = std::char_traits<char>::length(prefix);
  if (s.compare(0, n, prefix) != 0) return false;
  rest = s.substr(n);
  return !rest.empty();
}

// "<uint>[ unit]": the number, and the unit (empty when none).
bool number(const std::string& value, uint64_t& out, std::string& unit) {
  const char* p = value.c_str();
  char* end = nullptr;
  if (*p < '0' || *p > '9') return false;
  out = std::strtoull(p, &end, 10);
  while (*end == ' ' || *end == '\t') ++end;
  unit = end;
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t' || unit.back() == '\r')) unit.pop_back();
  return true;
}

std::optional<uint64_t> bytes(const std::string& value) {
  uint64_t n;
  std::string unit;
  if (!number(value, n, unit)) return std::nullopt;
  if (unit.empty() || unit == "B") return n;
  if (unit == "KiB") return n << 10;
  if (unit == "MiB") return n << 20;
  if (unit == "GiB") return n << 30;
  return std::nullopt;  // a unit the spec does not define: not guessed
}

std::optional<uint64_t> hertz(const std::string& value) {
  uint64_t n;
  std::string unit;
  if (!number(value, n, unit)) return std::nullopt;
  if (unit.empty() || unit == "Hz") return n;
  if (unit == "KHz" || unit == "kHz") return n * 1000;
  if (unit == "MHz") return n * 1000000;
  return std::nullopt;
}

std::optional<uint64_t> plain(const std::string& value) {
  uint64_t n;
  std::string unit;
  if (!number(value, n, unit)) return std::nullopt;
  return n;
}

}  // namespace

DrmClientStats parse_drm_fdinfo(const std::string& text) {
  DrmClientStats c;
  std::map<std::string, uint64_t> resident, total, legacy;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    const std::string value = line.substr(v);
    std::string name;
    if (key == "drm-driver") {
      c.driver = value;
      while (!c.driver.empty() && (c.driver.back() == ' ' || c.driver.back() == '\r')) c.driver.pop_back();
    } else if (key == "drm-pdev") {
      c.pdev = value.substr(0, value.find_first_of(" \t\r"));
    } else if (key == "drm-client-id") {
      c.client_id = plain(value);
    } else if (starts_with(key, "drm-engine-capacity-", name)) {
      const auto n = plain(value);
      c.engines[name].capacity = n && *n > 0 ? uint32_t(*n) : 1;
    } else if (starts_with(key, "drm-engine-", name)) {
      uint64_t ns;
      std::string unit;
      if (number(value, ns, unit) && (unit.empty() || unit == "ns")) c.engines[name].busy_ns = ns;
    } else if (starts_with(key, "drm-total-cycles-", name)) {
      c.engines[name].total_cycles = plain(value);
    } else if (starts_with(key, "drm-cycles-", name)) {
      c.engines[name].cycles = plain(value);
    } else if (starts_with(key, "drm-maxfreq-", name)) {
      c.engines[name].maxfreq_hz = hertz(value);
    } else if (starts_with(key, "drm-resident-", name)) {
      if (const auto b = bytes(value)) resident[name] = *b;
    } else if (starts_with(key, "drm-total-", name)) {
      if (const auto b = bytes(value)) total[name] = *b;
    } else if (starts_with(key, "drm-memory-", name)) {
      if (const auto b = bytes(value)) legacy[name] = *b;
    }
  }
  // drm-memory-<r> is amdgpu's alias of drm-resident-<r>: it counts only where the newer key is absent.
  for (const auto& [region, b] : legacy)
    if (resident.count(region) == 0) resident[region] = b;
  for (const auto& [region, b] : resident) c.resident_bytes = c.resident_bytes.value_or(0) + b;
  for (const auto& [region, b] : total) c.total_bytes = c.total_bytes.value_or(0) + b;
  // An engine named only by a capacity key carries no counter.
  for (auto it = c.engines.begin(); it != c.engines.end();) {
    const DrmEngineStats& e = it->second;
    it = (!e.busy_ns && !e.cycles) ? c.engines.erase(it) : std::next(it);
  }
  return c;
}

}  // namespace llmmon
