#include "ioreg_text.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace llmmon::testing {

const IoValue* IoValue::get(const std::string& key) const {
  if (kind != Kind::kDict) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &values[i];
  return nullptr;
}

namespace {

class ValueReader {
 public:
  ValueReader(const std::string& s, size_t line) : s_(s), line_(line) {}

  IoValue value() {
    skip_space();
    if (pos_ >= s_.size()) fail("a value");
    const char c = s_[pos_];
    if (c == '"') return string_value();
    if (c == '{') return container('{', '}', true);
    if (c == '(') return container('(', ')', false);
    if (c == '<') return data_value();
    if (s_.compare(pos_, 3, "Yes") == 0) return boolean(true, 3);
    if (s_.compare(pos_, 2, "No") == 0) return boolean(false, 2);
    return number_value();
  }

  std::string quoted() {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '"') fail("a quoted key");
    const size_t end = s_.find('"', pos_ + 1);
    if (end == std::string::npos) fail("a closing quote");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }

  void expect(char c) {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != c) fail(std::string("'") + c + "'");
    ++pos_;
  }

  bool at_end() {
    skip_space();
    return pos_ >= s_.size();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::ostringstream msg;
    msg << "ioreg text line " << line_ << ": expected " << what << " at column " << pos_ + 1;
    throw std::runtime_error(msg.str());
  }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }

  IoValue string_value() {
    IoValue v;
    v.kind = IoValue::Kind::kString;
    v.text = quoted();
    return v;
  }

  IoValue boolean(bool b, size_t len) {
    IoValue v;
    v.kind = IoValue::Kind::kBool;
    v.boolean = b;
    pos_ += len;
    return v;
  }

  IoValue data_value() {
    const size_t end = s_.find('>', pos_);
    if (end == std::string::npos) fail("'>'");
    IoValue v;
    v.kind = IoValue::Kind::kData;
    v.text = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return v;
  }

  IoValue number_value() {
    const char* begin = s_.c_str() + pos_;
    char* end = nullptr;
    const double d = std::strtod(begin, &end);
    if (end == begin) fail("a number, string, Yes/No, <data>, {dict} or (array)");
    IoValue v;
    v.number = d;
    pos_ += size_t(end - begin);
    return v;
  }

  IoValue container(char open, char close, bool dict) {
    IoValue v;
    v.kind = dict ? IoValue::Kind::kDict : IoValue::Kind::kArray;
    expect(open);
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == close) {
      ++pos_;
      return v;
    }
    for (;;) {
      if (dict) {
        v.keys.push_back(quoted());
        expect('=');
      }
      v.values.push_back(value());
      skip_space();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      expect(close);
      return v;
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
  size_t line_;
};

// The part of a line after ioreg's tree-drawing prefix ("  | | ").
std::string strip_tree(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '|')) ++i;
  return line.substr(i);
}

uint64_t number_u64(const IoValue* v) { return v && v->kind == IoValue::Kind::kNumber ? uint64_t(v->number) : 0; }

}  // namespace

std::vector<IoregNode> parse_ioreg(const std::string& text) {
  std::vector<IoregNode> nodes;
  std::istringstream in(text);
  std::string line;
  size_t number = 0;
  bool in_props = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') continue;
    const size_t node_at = line.find("+-o ");
    if (node_at != std::string::npos && !in_props) {
      IoregNode node;
      node.depth = node_at / 2;
      const std::string rest = line.substr(node_at + 4);
      const size_t cls = rest.find("<class ");
      node.name = rest.substr(0, rest.find("  "));
      if (cls == std::string::npos) throw std::runtime_error("ioreg text line " + std::to_string(number) + ": node without <class ...>");
      const size_t cls_end = rest.find_first_of(",>", cls);
      node.io_class = rest.substr(cls + 7, cls_end - cls - 7);
      const size_t id = rest.find("id 0x", cls);
      if (id != std::string::npos) node.id = std::strtoull(rest.c_str() + id + 5, nullptr, 16);
      node.props.kind = IoValue::Kind::kDict;
      nodes.push_back(std::move(node));
      continue;
    }
    const std::string body = strip_tree(line);
    if (body.empty()) continue;
    if (nodes.empty()) throw std::runtime_error("ioreg text line " + std::to_string(number) + ": property before any node");
    if (body == "{") {
      in_props = true;
      continue;
    }
    if (body == "}") {
      in_props = false;
      continue;
    }
    if (!in_props) throw std::runtime_error("ioreg text line " + std::to_string(number) + ": text outside a node's { }");
    ValueReader r(body, number);
    std::string key = r.quoted();
    r.expect('=');
    IoValue v = r.value();
    if (!r.at_end()) throw std::runtime_error("ioreg text line " + std::to_string(number) + ": text after the value");
    nodes.back().props.keys.push_back(std::move(key));
    nodes.back().props.values.push_back(std::move(v));
  }
  return nodes;
}

apple::AcceleratorProps accelerator_props(const IoregNode& node) {
  apple::AcceleratorProps p;
  const IoValue* cls = node.props.get("IOClass");
  p.io_class = cls && cls->kind == IoValue::Kind::kString ? cls->text : node.io_class;
  if (const IoValue* model = node.props.get("model"); model && model->kind == IoValue::Kind::kString) p.model = model->text;
  if (const IoValue* cores = node.props.get("gpu-core-count"); cores && cores->kind == IoValue::Kind::kNumber)
    p.core_count = uint64_t(cores->number);
  if (const IoValue* stats = node.props.get("PerformanceStatistics"); stats && stats->kind == IoValue::Kind::kDict) {
    p.has_statistics = true;
    for (size_t i = 0; i < stats->keys.size(); ++i)
      if (stats->values[i].kind == IoValue::Kind::kNumber) p.statistics[stats->keys[i]] = stats->values[i].number;
  }
  return p;
}

apple::UserClientProps user_client_props(const IoregNode& node) {
  apple::UserClientProps c;
  if (const IoValue* creator = node.props.get("IOUserClientCreator"); creator && creator->kind == IoValue::Kind::kString)
    c.creator = creator->text;
  if (const IoValue* usage = node.props.get("AppUsage"); usage && usage->kind == IoValue::Kind::kArray) {
    c.has_app_usage = true;
    for (const IoValue& entry : usage->values)
      if (const IoValue* t = entry.get("accumulatedGPUTime"); t && t->kind == IoValue::Kind::kNumber)
        c.app_usage_gpu_ns.push_back(number_u64(t));
  }
  if (const IoValue* t = node.props.get("accumulatedGPUTime"); t && t->kind == IoValue::Kind::kNumber)
    c.direct_gpu_ns = number_u64(t);
  return c;
}

}  // namespace llmmon::testing
