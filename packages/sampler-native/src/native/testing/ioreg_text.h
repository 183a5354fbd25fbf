// TEST-ONLY: reads the text `ioreg -r -d N -w 0 -c IOAccelerator` prints into the property
// structs the `iokit` backend fills from IOKit (apple_gpu_rules.h), so the backend's rules are
// tested on Linux with listings published from real Macs.
//
// The format, as ioreg prints it: a node line `+-o Name  <class Cls, id 0x10000087c, ...>`
// (its column gives the depth; ioreg -l prefixes `| ` columns), then its properties between
// `{` and `}`, one `"key" = value` a line. Values: numbers, "strings", Yes/No, <hex data>,
// {"k"=v,...} dictionaries and (v,...) arrays (nested ones without spaces around `=`).
// Lines starting with `#` are the fixture files' own comments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apple_gpu_rules.h"

namespace llmmon::testing {

struct IoValue {
  enum class Kind { kNumber, kString, kBool, kData, kDict, kArray };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;                 // string; data as its hex digits
  bool boolean = false;
  std::vector<std::string> keys;    // dict, same order as values
  std::vector<IoValue> values;      // dict values or array items
  const IoValue* get(const std::string& key) const;
};

struct IoregNode {
  std::string name;
  std::string io_class;
  uint64_t id = 0;
  size_t depth = 0;      // column of "+-o" / 2
  IoValue props;         // a dict
};

// Throws std::runtime_error naming the line for text it cannot read.
std::vector<IoregNode> parse_ioreg(const std::string& text);

// The property structs the backend would fill from this node.
apple::AcceleratorProps accelerator_props(const IoregNode& node);
apple::UserClientProps user_client_props(const IoregNode& node);

}  // namespace llmmon::testing
