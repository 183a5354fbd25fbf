// Small CoreFoundation helpers for the macOS backends (gpu_iokit.cpp, ioreport_darwin.cpp).
// Every CF object here follows the Create/Copy rule: an owned reference lives in a CfOwned and
// is released once; a Get result is borrowed and never released. Type checks come first: IOKit
// properties and IOReport samples are undocumented, so a value of an unexpected type reads as
// absent instead of crashing.
#pragma once

#include <CoreFoundation/CoreFoundation.h>

#include <cstdint>
#include <optional>
#include <string>

namespace llmmon::apple {

class CfOwned {
 public:
  explicit CfOwned(CFTypeRef ref = nullptr) : ref_(ref) {}
  ~CfOwned() { reset(); }
  CfOwned(const CfOwned&) = delete;
  CfOwned& operator=(const CfOwned&) = delete;
  CfOwned(CfOwned&& other) noexcept : ref_(other.ref_) { other.ref_ = nullptr; }
  CfOwned& operator=(CfOwned&& other) noexcept {
    if (this != &other) {
      reset();
      ref_ = other.ref_;
      other.ref_ = nullptr;
    }
    return *this;
  }
  void reset(CFTypeRef ref = nullptr) {
    if (ref_) CFRelease(ref_);
    ref_ = ref;
  }
  CFTypeRef get() const { return ref_; }
  explicit operator bool() const { return ref_ != nullptr; }

 private:
  CFTypeRef ref_;
};

inline CfOwned cf_string(const char* text) {
  return CfOwned(CFStringCreateWithCString(kCFAllocatorDefault, text, kCFStringEncodingUTF8));
}

inline bool is_type(CFTypeRef v, CFTypeID id) { return v && CFGetTypeID(v) == id; }

// A CFString, or a CFData holding NUL-terminated text (IOKit's "model" is either); else "".
inline std::string to_string(CFTypeRef v) {
  if (is_type(v, CFStringGetTypeID())) {
    CFStringRef s = static_cast<CFStringRef>(v);
    if (const char* fast = CFStringGetCStringPtr(s, kCFStringEncodingUTF8)) return fast;
    const CFIndex max = CFStringGetMaximumSizeForEncoding(CFStringGetLength(s), kCFStringEncodingUTF8) + 1;
    std::string buf(size_t(max), '\0');
    if (!CFStringGetCString(s, &buf[0], max, kCFStringEncodingUTF8)) return "";
    buf.resize(std::char_traits<char>::length(buf.c_str()));
    return buf;
  }
  if (is_type(v, CFDataGetTypeID())) {
    CFDataRef d = static_cast<CFDataRef>(v);
    const char* bytes = reinterpret_cast<const char*>(CFDataGetBytePtr(d));
    const size_t len = size_t(CFDataGetLength(d));
    size_t n = 0;
    while (n < len && bytes[n] != '\0') ++n;
    return std::string(bytes, n);
  }
  return "";
}

inline std::optional<double> to_double(CFTypeRef v) {
  double d = 0;
  if (!is_type(v, CFNumberGetTypeID()) || !CFNumberGetValue(static_cast<CFNumberRef>(v), kCFNumberDoubleType, &d))
    return std::nullopt;
  return d;
}

inline std::optional<uint64_t> to_u64(CFTypeRef v) {
  int64_t i = 0;
  if (!is_type(v, CFNumberGetTypeID()) || !CFNumberGetValue(static_cast<CFNumberRef>(v), kCFNumberSInt64Type, &i) ||
      i < 0)
    return std::nullopt;
  return uint64_t(i);
}

// A borrowed value of a dictionary, by key.
inline CFTypeRef dict_get(CFTypeRef dict, const char* key) {
  if (!is_type(dict, CFDictionaryGetTypeID())) return nullptr;
  CfOwned k = cf_string(key);
  return k ? CFDictionaryGetValue(static_cast<CFDictionaryRef>(dict), k.get()) : nullptr;
}

}  // namespace llmmon::apple
