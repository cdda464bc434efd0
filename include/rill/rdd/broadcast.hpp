#pragma once
// Broadcast<T>: Spark's broadcast variable, a read-only value every task of
// every rank reads. sc.broadcast(value) sends the driver's (rank 0's) value to
// the other ranks once, when it is created, so every rank holds the same value
// and tasks read it without any exchange. The handle is cheap to copy into the
// tasks' functions (it shares one value).
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rill {

namespace detail {
/// Rank 0's `value` on every rank: sent once through the cluster's broadcast,
/// serialised as values cross ranks (exec/wire.hpp); when serialising it fails,
/// every rank throws that failure. Every rank must call it.
template <class T>
T valueOfRankZero(exec::Cluster& cluster, std::string_view tag, T value) {
  if (cluster.size() == 1) return value;
  // Every rank refuses a type that cannot travel, so none waits for a rank 0 that threw.
  if constexpr (!exec::WireEncodable<T>) exec::throwNotWireEncodable<T>(tag);
  const exec::Bytes bytes = cluster.broadcastMade(tag, 0, [&](exec::Bytes& out) { exec::appendWire(out, value, tag); });
  if (cluster.rank() == 0) return value;
  return exec::readWire<T>(bytes, tag);
}
}  // namespace detail

template <class T>
class Broadcast {
 public:
  /// The value: rank 0's on every rank. Throws rill::SparkException after destroy().
  const T& value() const {
    if (state_->destroyed.load(std::memory_order_acquire))
      throw SparkException(detail::message({"rill: attempted to use ", toString(), " after it was destroyed"}));
    return *state_->value;
  }
  /// This context's number for it: 0, 1, ... in creation order (the same on every rank).
  std::int64_t id() const { return state_->id; }
  /// Spark drops the executors' copies (and sends the value again when used);
  /// every rank here keeps the value it holds, so there is nothing to drop.
  void unpersist(bool /*blocking*/ = false) const {}
  /// Frees the value; value() then throws. Destroying it while a job reads it
  /// is a mistake, as in Spark.
  void destroy() const {
    state_->destroyed.store(true, std::memory_order_release);
    state_->value.reset();
  }
  /// "Broadcast(<id>)", as Spark prints it.
  std::string toString() const { return detail::message({"Broadcast(", state_->id, ")"}); }

 private:
  friend class SparkContext;
  Broadcast(std::int64_t id, T value) : state_(std::make_shared<State>(id, std::move(value))) {}

  struct State {
    State(std::int64_t i, T v) : id(i), value(std::move(v)) {}
    std::int64_t id;
    std::optional<T> value;
    std::atomic<bool> destroyed{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace rill
