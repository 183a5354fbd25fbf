// Small file helpers for the Linux backends that read procfs and sysfs (gpu_drm.cpp,
// energy_rapl.cpp). Each returns "nothing" rather than throwing; callers turn that into a
// counter's reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmmon::fs {

// The whole file; false when it cannot be opened.
bool read_text(const std::string& path, std::string& out);
// The file's text, or `fallback` when it cannot be read.
std::string read_text_or(const std::string& path, const std::string& fallback);
// The unsigned integer the file starts with (decimal, or 0x hex).
std::optional<uint64_t> read_uint(const std::string& path);
// Entry names of a directory, sorted, without dot entries; `error` gets errno when it cannot be opened.
std::vector<std::string> list_dir(const std::string& path, int* error = nullptr);
// A symbolic link's target; empty when `path` is not one.
std::string read_link(const std::string& path);
std::string base_name(const std::string& path);
// Without trailing newlines, carriage returns and spaces.
std::string trimmed(std::string s);

}  // namespace llmmon::fs
