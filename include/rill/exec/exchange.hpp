#pragma once
// The shuffle's data movement, behind one small interface: every map task has
// cut its output into one bucket per target partition; the exchange hands each
// target partition all buckets addressed to it. In one process that is a move;
// between ranks, rdd/shuffle_exchange.hpp serialises the buckets for other ranks
// and sends them with Cluster::allToAll.
#include <rill/core/runtime.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace rill::exec {

/// What the exchanges of shuffles between ranks have cost so far (none with one
/// rank, where buckets move without being serialised). Serialising and
/// deserialising run in the tasks, so their times are summed over threads;
/// exchange time is the wall time in the collective.
struct ExchangeMetrics {
  struct Snapshot {
    std::uint64_t exchanges = 0;
    std::uint64_t bytesSent = 0;  // to other ranks
    std::uint64_t bytesReceived = 0;
    std::chrono::nanoseconds serialize{0}, exchange{0}, deserialize{0};
  };

  std::atomic<std::uint64_t> exchanges{0}, bytesSent{0}, bytesReceived{0};
  std::atomic<std::int64_t> serializeNanos{0}, exchangeNanos{0}, deserializeNanos{0};

  Snapshot snapshot() const;
  void reset();
};

/// Adds the time from its creation to its end to a counter of ExchangeMetrics.
class TimedScope {
 public:
  explicit TimedScope(std::atomic<std::int64_t>& into) : into_(&into), start_(std::chrono::steady_clock::now()) {}
  TimedScope(const TimedScope&) = delete;
  TimedScope& operator=(const TimedScope&) = delete;
  ~TimedScope();

 private:
  std::atomic<std::int64_t>* into_;
  std::chrono::steady_clock::time_point start_;
};

/// rows x cols buckets in one flat vector: in a shuffle, row r holds the buckets
/// addressed to target partition r, one per map task, in map order.
template <class T>
class BucketGrid {
 public:
  BucketGrid(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols), cells_(rows * cols) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::span<std::vector<T>> row(std::size_t i) { return {cells_.data() + i * cols_, cols_}; }

 private:
  std::size_t rows_;
  std::size_t cols_;
  std::vector<std::vector<T>> cells_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME ExchangeMetrics::Snapshot ExchangeMetrics::snapshot() const {
  return {exchanges.load(),
          bytesSent.load(),
          bytesReceived.load(),
          std::chrono::nanoseconds(serializeNanos.load()),
          std::chrono::nanoseconds(exchangeNanos.load()),
          std::chrono::nanoseconds(deserializeNanos.load())};
}

RILL_RUNTIME void ExchangeMetrics::reset() {
  for (auto* c : {&exchanges, &bytesSent, &bytesReceived}) c->store(0);
  for (auto* c : {&serializeNanos, &exchangeNanos, &deserializeNanos}) c->store(0);
}

RILL_RUNTIME TimedScope::~TimedScope() {
  into_->fetch_add(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count(),
      std::memory_order_relaxed);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
