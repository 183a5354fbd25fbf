#include "fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace llmmon::fs {

bool read_text(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return true;
}

std::string read_text_or(const std::string& path, const std::string& fallback) {
  std::string text;
  return read_text(path, text) ? text : fallback;
}

std::optional<uint64_t> read_uint(const std::string& path) {
  std::string text;
  if (!read_text(path, text)) return std::nullopt;
  const char* p = text.c_str();
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(p, &end, 0);
  if (end == p || errno != 0) return std::nullopt;
  return uint64_t(v);
}

std::vector<std::string> list_dir(const std::string& path, int* error) {
  std::vector<std::string> names;
  DIR* d = ::opendir(path.c_str());
  if (!d) {
    if (error) *error = errno;
    return names;
  }
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  return std::string(buf, size_t(n));
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace llmmon::fs
