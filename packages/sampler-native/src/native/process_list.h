// The process table and the owners of a listening TCP port, read natively where no files show
// them: macOS (process_list_darwin.cpp, libproc). On Linux the TypeScript side reads procfs
// itself (src/find-linux.ts) and this is not compiled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu.h"

namespace llmmon {

struct ProcessRow {
  Pid pid = 0;
  std::string name;                // p_comm, or the longer registered name when set
  std::optional<std::string> exe;  // proc_pidpath; empty: unreadable
  std::optional<std::vector<std::string>> args;  // KERN_PROCARGS2: same user or root
  std::optional<uint32_t> uid;
};

// Every process this user can see; `denied` counts those whose details it may not read.
std::vector<ProcessRow> list_processes(size_t& denied);

// Pids with a TCP socket listening on `port` (IPv4 or IPv6); `denied` counts processes whose
// sockets could not be inspected (another user's: only root sees them).
std::vector<Pid> listening_pids(int port, size_t& denied);

}  // namespace llmmon
