// macOS process table and listening sockets through libproc (process_list.h). Compile-checked on
// Linux against a macOS SDK (scripts/check-darwin-syntax.sh); built and run on macOS CI.
#include <arpa/inet.h>
#include <errno.h>
#include <libproc.h>
#include <sys/proc_info.h>
#include <sys/sysctl.h>

#include <algorithm>
#include <cstring>

#include "process_list.h"

namespace llmmon {

namespace {

std::vector<int> all_pids() {
  std::vector<int> pids;
  // The count changes while we look: ask for room, list, and grow until everything fitted.
  for (int room = std::max(proc_listallpids(nullptr, 0), 256) + 64;; room *= 2) {
    pids.resize(size_t(room));
    const int n = proc_listallpids(pids.data(), int(pids.size() * sizeof(int)));
    if (n < 0) return {};
    if (n < room) {
      pids.resize(size_t(n));
      return pids;
    }
  }
}

// KERN_PROCARGS2: int argc, the executable path, NULs, then argc NUL-terminated arguments.
std::optional<std::vector<std::string>> args_of(int pid) {
  int mib[3] = {CTL_KERN, KERN_PROCARGS2, pid};
  size_t size = 0;
  if (sysctl(mib, 3, nullptr, &size, nullptr, 0) != 0 || size < sizeof(int)) return std::nullopt;
  std::vector<char> buf(size);
  if (sysctl(mib, 3, buf.data(), &size, nullptr, 0) != 0 || size < sizeof(int)) return std::nullopt;
  int argc = 0;
  std::memcpy(&argc, buf.data(), sizeof(int));
  size_t p = sizeof(int);
  while (p < size && buf[p] != '\0') ++p;  // the executable path
  while (p < size && buf[p] == '\0') ++p;
  std::vector<std::string> args;
  while (p < size && int(args.size()) < argc) {
    const size_t start = p;
    while (p < size && buf[p] != '\0') ++p;
    args.emplace_back(buf.data() + start, p - start);
    ++p;
  }
  return args;
}

bool listens_on(int pid, int fd, int port) {
  socket_fdinfo si;
  if (proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, &si, int(sizeof(si))) != int(sizeof(si))) return false;
  if (si.psi.soi_kind != SOCKINFO_TCP) return false;
  const tcp_sockinfo& tcp = si.psi.soi_proto.pri_tcp;
  // insi_lport holds the port in network byte order.
  return tcp.tcpsi_state == TSI_S_LISTEN && ntohs(uint16_t(tcp.tcpsi_ini.insi_lport)) == port;
}

}  // namespace

std::vector<ProcessRow> list_processes(size_t& denied) {
  denied = 0;
  std::vector<ProcessRow> rows;
  for (int pid : all_pids()) {
    if (pid <= 0) continue;
    proc_bsdinfo b;
    if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &b, int(sizeof(b))) != int(sizeof(b))) {
      if (errno == EPERM) ++denied;
      continue;  // gone, or not shown
    }
    ProcessRow r;
    r.pid = pid;
    const bool named = b.pbi_name[0] != '\0';
    const char* n = named ? b.pbi_name : b.pbi_comm;
    r.name.assign(n, ::strnlen(n, named ? sizeof(b.pbi_name) : sizeof(b.pbi_comm)));
    r.uid = b.pbi_uid;
    char path[PROC_PIDPATHINFO_MAXSIZE];
    if (proc_pidpath(pid, path, sizeof(path)) > 0) r.exe = std::string(path);
    r.args = args_of(pid);
    if (!r.args) ++denied;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<Pid> listening_pids(int port, size_t& denied) {
  denied = 0;
  std::vector<Pid> out;
  std::vector<proc_fdinfo> fds;
  for (int pid : all_pids()) {
    if (pid <= 0) continue;
    const int bytes = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, nullptr, 0);
    if (bytes <= 0) {
      if (errno == EPERM) ++denied;
      continue;
    }
    fds.resize(size_t(bytes) / sizeof(proc_fdinfo) + 16);
    const int got = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, fds.data(), int(fds.size() * sizeof(proc_fdinfo)));
    if (got <= 0) continue;
    const size_t n = size_t(got) / sizeof(proc_fdinfo);
    for (size_t i = 0; i < n; ++i) {
      if (fds[i].proc_fdtype != PROX_FDTYPE_SOCKET || !listens_on(pid, fds[i].proc_fd, port)) continue;
      out.push_back(pid);
      break;
    }
  }
  return out;
}

}  // namespace llmmon
