// A bounded FIFO that overwrites its oldest entry when full and counts what it dropped.
//
// Memory grows with what is waiting to be drained, up to `capacity` entries, and is kept for
// reuse after a drain. Not thread-safe: the Sampler guards it with its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmmon {

template <class T>
class RingBuffer {
 public:
  explicit RingBuffer(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  void push(const T& item) {
    if (size_ < buf_.size()) {
      buf_[(head_ + size_) % buf_.size()] = item;
      ++size_;
    } else if (buf_.size() < capacity_) {
      // Not wrapped yet (head_ is 0 until the buffer is full at capacity), so appending keeps order.
      buf_.push_back(item);
      ++size_;
    } else {
      buf_[head_] = item;  // full: the oldest entry is lost
      head_ = (head_ + 1) % capacity_;
      ++dropped_;
    }
  }

  // Appends every entry, oldest first, to `out` and empties the buffer. Returns how many
  // entries were overwritten since the previous drain.
  uint64_t drain(std::vector<T>& out) {
    out.reserve(out.size() + size_);
    for (size_t i = 0; i < size_; ++i) out.push_back(buf_[(head_ + i) % buf_.size()]);
    head_ = 0;
    size_ = 0;
    const uint64_t dropped = dropped_;
    dropped_ = 0;
    return dropped;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

 private:
  std::vector<T> buf_;
  size_t capacity_;
  size_t head_ = 0;  // index of the oldest entry
  size_t size_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace llmmon
