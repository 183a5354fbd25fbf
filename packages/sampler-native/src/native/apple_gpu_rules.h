// Portable rules of the macOS `iokit` GPU backend (gpu_iokit.cpp): what the IORegistry's
// accelerator and user-client properties mean. No I/O and no Apple headers, so the rules are
// tested on Linux with the dictionaries real Macs print (test/fixtures/apple/).
//
// The Apple side (gpu_iokit.cpp) only copies properties into these structs:
//  - an accelerator: the service matching "IOAccelerator" (AGXAcceleratorG13X on an M1 Max,
//    IntelAccelerator, AMDRadeonX6000_*): its class, "model", "gpu-core-count" and the numeric
//    entries of its "PerformanceStatistics" dictionary;
//  - a user client: each child of an accelerator in the service plane that a process opened
//    (AGXDeviceUserClient on Apple Silicon): "IOUserClientCreator" ("pid 390, WindowServer") and
//    its accumulated GPU time, either an "AppUsage" array of {"accumulatedGPUTime" = ns} (one
//    entry per API: Metal, ...) on Apple Silicon or an "accumulatedGPUTime" number on the client
//    itself (Intel drivers).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gpu.h"

namespace llmmon::apple {

struct AcceleratorProps {
  std::string io_class;                  // "AGXAcceleratorG13X"
  std::string model;                     // "Apple M1 Max"; empty: absent
  std::optional<uint64_t> core_count;    // "gpu-core-count"
  bool has_statistics = false;           // "PerformanceStatistics" is a dictionary
  std::map<std::string, double> statistics;  // its numeric entries, as printed
};

// The figures of one PerformanceStatistics reading. Keys differ across GPU generations and
// vendors: each figure is read from the first key of its list that is present (kUtilKeys, ...);
// when none is, it stays empty and `*_key` stays empty too.
struct AcceleratorStats {
  std::optional<double> device_util_percent;    // the whole GPU busy, 0-100
  std::optional<double> renderer_util_percent;  // the renderer (fragment/compute) part
  std::optional<double> tiler_util_percent;     // the tiler (vertex) part
  std::optional<uint64_t> in_use_bytes;         // memory the GPU has in use (every process)
  std::optional<uint64_t> alloc_bytes;          // memory the driver has allocated for the GPU
  std::string util_key;
  std::string memory_key;
};

// Keys per figure, most specific first. "In use system memory (driver)" (M2 and later, 0 in
// every published listing) is a different figure and never matches "In use system memory":
// lookups are by the whole key.
extern const std::vector<std::string> kUtilKeys;      // device utilisation
extern const std::vector<std::string> kMemoryKeys;    // memory in use

AcceleratorStats select_statistics(const AcceleratorProps& props);

// "apple" for AGX* classes, "intel", "amd", "nvidia" for the drivers of Intel Macs; empty: unknown.
std::string accelerator_vendor(const std::string& io_class);
// The device name for host.gpus: "model" when present, else the driver class.
std::string accelerator_name(const AcceleratorProps& props);
// One line for counters(): which keys were looked for and not found.
std::string missing_keys_reason(const std::string& figure, const std::vector<std::string>& keys);

struct UserClientProps {
  std::string creator;                   // "IOUserClientCreator"
  bool has_app_usage = false;            // "AppUsage" is an array
  std::vector<uint64_t> app_usage_gpu_ns;  // "accumulatedGPUTime" of each AppUsage entry that has one
  std::optional<uint64_t> direct_gpu_ns;   // "accumulatedGPUTime" on the client itself
};

// The pid in "pid 390, WindowServer"; empty when the text has another shape.
std::optional<Pid> creator_pid(const std::string& creator);
// The client's accumulated GPU time (ns): the AppUsage entries' sum, else the client's own
// number; empty when it carries neither (a client that never submitted work has AppUsage
// entries with 0, which is 0).
std::optional<uint64_t> client_gpu_ns(const UserClientProps& client);

// Per-process GPU time from user clients, kept monotone (gpu.h rules). A process's time is
// spread over its clients, which come and go: a closed client's time would vanish from a plain
// sum. So every client is followed by its registry id; a process's total grows by each client's
// increase between passes and by the whole time of a client seen for the first time, and keeps
// what closed clients had counted. A client whose number went down (never seen) holds its larger
// value. Not thread-safe: the backend holds its lock around a pass.
class ClientTimeLedger {
 public:
  void begin_pass();
  void note(uint64_t client_id, Pid pid, uint64_t gpu_ns);
  // Forgets clients not noted in this pass (their time stays in their process's total).
  void end_pass();
  // Cumulative GPU ns of `pid`'s clients since the ledger first saw one; empty: none ever seen.
  std::optional<uint64_t> total_ns(Pid pid) const;

 private:
  struct Client {
    Pid pid = 0;
    uint64_t last_ns = 0;
    bool seen = false;
  };
  std::unordered_map<uint64_t, Client> clients_;
  std::unordered_map<Pid, uint64_t> totals_;
};

}  // namespace llmmon::apple
