// Parser of the DRM client usage stats a DRM file descriptor's /proc/<pid>/fdinfo/<fd> shows
// (the kernel's Documentation/gpu/drm-usage-stats.rst). Portable: text in, values out; the
// backend (gpu_drm.cpp) keeps the state across readings.
//
// Keys read (every value optional; unknown keys are ignored, as the spec asks):
//   drm-driver                  mandatory: without it the fd is not a DRM client with stats
//   drm-pdev, drm-client-id     identity: one client may be open through several fds (dup,
//                               fork, passing): count it once per (pdev, client id)
//   drm-engine-<e>: N ns        busy time of engine <e>
//   drm-engine-capacity-<e>: N  <e> is N identical engines (busy time may reach N x wall)
//   drm-cycles-<e>: N           busy cycles, with either drm-total-cycles-<e> (a GPU timestamp
//                               that advances with the cycles' clock: busy share = dcycles /
//                               dtotal) or drm-maxfreq-<e>: N [Hz|KHz|MHz] (busy share of the
//                               engine at full speed = dcycles / (dt x maxfreq))
//   drm-total-<r>, drm-resident-<r>, drm-memory-<r> (amdgpu's older alias of resident):
//                               buffer memory in region <r>, bytes by default, or KiB / MiB
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace llmmon {

struct DrmEngineStats {
  std::optional<uint64_t> busy_ns;       // drm-engine-<e>
  std::optional<uint64_t> cycles;        // drm-cycles-<e>
  std::optional<uint64_t> total_cycles;  // drm-total-cycles-<e>
  std::optional<uint64_t> maxfreq_hz;    // drm-maxfreq-<e>
  uint32_t capacity = 1;                 // drm-engine-capacity-<e> (0 is not allowed: read as 1)
};

struct DrmClientStats {
  std::string driver;                  // empty: not a DRM client with usage stats
  std::string pdev;                    // PCI slot, empty when absent
  std::optional<uint64_t> client_id;
  std::map<std::string, DrmEngineStats> engines;
  // Memory summed over regions: resident where the driver says (drm-resident-*, or amdgpu's
  // drm-memory-* for a region without drm-resident-*), else requested (drm-total-*).
  std::optional<uint64_t> resident_bytes;
  std::optional<uint64_t> total_bytes;

  bool is_client() const { return !driver.empty(); }
  // The memory figure windows use: resident, else total.
  std::optional<uint64_t> memory_bytes() const { return resident_bytes ? resident_bytes : total_bytes; }
};

DrmClientStats parse_drm_fdinfo(const std::string& text);

}  // namespace llmmon
