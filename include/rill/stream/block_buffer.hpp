#pragma once
// The records a receiver has stored and no batch has taken yet. The buffer is
// bounded in records (rill.streaming.receiver.maxBufferedRecords) and in bytes
// (rill.streaming.receiver.maxBufferedBytes, each record counted as
// recordBytes() says): a receiver that gets ahead
// of the batches waits in store() instead of growing memory without limit. A
// record larger than the byte bound is taken when the buffer is empty, so it
// delays its receiver instead of blocking it forever. While its receiver is
// being stopped the buffer stops blocking (a stop must not wait for a batch
// that may never come) and takes the records of the store() calls already in
// progress, so nothing received is lost.
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/record_size.hpp>
#include <rill/stream/wait_for.hpp>

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
  /// At most maxRecords records and maxBytes bytes wait for a batch.
  explicit BlockBuffer(std::size_t maxRecords, std::size_t maxBytes = ReceiverSettings::kDefaultMaxBufferedBytes)
      : capacity_(maxRecords), maxBytes_(maxBytes) {
    if (maxRecords == 0) throw std::invalid_argument("rill: rill.streaming.receiver.maxBufferedRecords must be positive");
    if (maxBytes == 0) throw std::invalid_argument("rill: rill.streaming.receiver.maxBufferedBytes must be positive");
  }
  explicit BlockBuffer(const ReceiverSettings& s) : BlockBuffer(s.maxBufferedRecords, s.maxBufferedBytes) {}

  /// Appends one record, waiting while it does not fit and the buffer is blocking.
  void push(T record) {
    const std::size_t bytes = recordBytes(record);
    push(std::move(record), bytes);
  }
  /// Appends one record that counts for `bytes` (receivers store through
  /// push(record), which counts recordBytes()).
  void push(T record, std::size_t bytes) {
    std::unique_lock lock(mutex_);
    waitForRoom(lock, bytes);
    append(std::move(record), bytes);
    changed_.notify_all();
  }

  /// Appends records in order, as many at a time as there is room for.
  void pushAll(std::vector<T>&& records) {
    std::unique_lock lock(mutex_);
    for (auto& record : records) {
      const std::size_t bytes = recordBytes(record);
      if (!hasRoom(bytes)) {
        changed_.notify_all();  // what is in is ready for the batch that makes room
        waitForRoom(lock, bytes);
      }
      append(std::move(record), bytes);
    }
    changed_.notify_all();
  }

  /// Takes everything buffered so far (the batch cut) and wakes waiting writers.
  std::vector<T> drain() {
    std::vector<T> out;
    std::lock_guard lock(mutex_);
    out.swap(records_);
    bytes_ = 0;
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
  /// The bytes the buffered records count for.
  std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  std::size_t capacity() const { return capacity_; }
  std::size_t maxBytes() const { return maxBytes_; }

  /// Waits until at least n records are buffered; false on timeout (tests and
  /// demos use it to know data has arrived without sleeping).
  template <class Rep, class Period>
  bool awaitSize(std::size_t n, std::chrono::duration<Rep, Period> timeout) const {
    std::unique_lock lock(mutex_);
    return waitFor(changed_, lock, timeout, [&] { return records_.size() >= n; });
  }

 private:
  bool hasRoom(std::size_t bytes) const {
    if (!blocking_ || records_.empty()) return true;
    return records_.size() < capacity_ && bytes <= maxBytes_ && bytes_ <= maxBytes_ - bytes;
  }
  void waitForRoom(std::unique_lock<std::mutex>& lock, std::size_t bytes) {
    changed_.wait(lock, [&] { return hasRoom(bytes); });
  }
  void append(T&& record, std::size_t bytes) {
    records_.push_back(std::move(record));
    bytes_ += bytes;
  }

  const std::size_t capacity_;
  const std::size_t maxBytes_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<T> records_;  // guarded by mutex_
  std::size_t bytes_ = 0;   // guarded by mutex_
  bool blocking_ = true;    // guarded by mutex_
};

}  // namespace rill::detail
