#pragma once
// The records a receiver has stored and no batch has taken yet. The buffer is
// bounded (rill.streaming.receiver.maxBufferedRecords): a receiver that gets
// ahead of the batches waits in store() instead of growing memory without
// limit. While its receiver is being stopped the buffer stops blocking (a
// stop must not wait for a batch that may never come) and takes the records
// of the store() calls already in progress, so nothing received is lost.
#include <rill/stream/wait_for.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rill::detail {

template <class T>
class BlockBuffer {
 public:
  explicit BlockBuffer(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("rill: rill.streaming.receiver.maxBufferedRecords must be positive");
  }

  /// Appends one record, waiting while the buffer is full and blocking.
  void push(T record) {
    std::unique_lock lock(mutex_);
    waitForSpace(lock);
    records_.push_back(std::move(record));
    changed_.notify_all();
  }

  /// Appends records in order, as many at a time as there is room for.
  void pushAll(std::vector<T>&& records) {
    std::size_t i = 0;
    std::unique_lock lock(mutex_);
    while (i < records.size()) {
      waitForSpace(lock);
      const std::size_t room = blocking_ ? capacity_ - records_.size() : records.size() - i;
      const std::size_t n = std::min(room, records.size() - i);
      for (std::size_t k = 0; k < n; ++k) records_.push_back(std::move(records[i + k]));
      i += n;
      changed_.notify_all();
    }
  }

  /// Takes everything buffered so far (the batch cut) and wakes waiting writers.
  std::vector<T> drain() {
    std::vector<T> out;
    std::lock_guard lock(mutex_);
    out.swap(records_);
    changed_.notify_all();
    return out;
  }

  /// While false, writers never wait (their receiver is stopping).
  void setBlocking(bool blocking) {
    std::lock_guard lock(mutex_);
    blocking_ = blocking;
    changed_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return records_.size();
  }
  std::size_t capacity() const { return capacity_; }

  /// Waits until at least n records are buffered; false on timeout (tests and
  /// demos use it to know data has arrived without sleeping).
  template <class Rep, class Period>
  bool awaitSize(std::size_t n, std::chrono::duration<Rep, Period> timeout) const {
    std::unique_lock lock(mutex_);
    return waitFor(changed_, lock, timeout, [&] { return records_.size() >= n; });
  }

 private:
  void waitForSpace(std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, [&] { return !blocking_ || records_.size() < capacity_; });
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<T> records_;
  bool blocking_ = true;
};

}  // namespace rill::detail
