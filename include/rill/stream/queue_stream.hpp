#pragma once
// queueStream: batches taken from a queue of RDDs the program fills (for tests
// and demos, as Spark's queueStream). With several ranks the queue is rank 0's:
// rank 0 computes the RDD it takes alone and sends each partition to the rank
// that owns it (driver_batch.hpp), so the RDDs it pushes must be rank 0's alone.
#include <rill/exec/cluster.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/stream/driver_batch.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/input_node.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace rill {

/// A thread-safe queue of RDDs; push while the context runs.
template <class T>
class RDDQueue {
 public:
  void push(RDD<T> rdd) {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(rdd));
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }
  /// Takes one RDD (oneAtATime) or all of them; empty when there are none.
  std::vector<RDD<T>> take(bool oneAtATime) {
    std::lock_guard lock(mutex_);
    std::vector<RDD<T>> out;
    while (!queue_.empty() && (out.empty() || !oneAtATime)) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<RDD<T>> queue_;
};

namespace detail {

template <class T>
std::int64_t storedCount(const RDD<T>& rdd) {
  // Input record counts for the listener: free for in-memory RDDs; other RDDs
  // would have to be computed, so they count as 0 rather than run twice.
  if (const auto* sliced = dynamic_cast<const SlicedNode<T>*>(rdd.node().get()))
    return static_cast<std::int64_t>(sliced->size());
  const auto* stored = dynamic_cast<const StoredNode<T>*>(rdd.node().get());
  if (!stored) return 0;
  std::int64_t n = 0;
  for (auto& p : stored->partitions()) n += static_cast<std::int64_t>(p.size());
  return n;
}

template <class T>
class QueueInputNode final : public InputNode<T> {
 public:
  QueueInputNode(DStreamGraph& graph, std::shared_ptr<RDDQueue<T>> queue, bool oneAtATime,
                 std::optional<RDD<T>> defaultRDD)
      : InputNode<T>(graph), queue_(std::move(queue)), oneAtATime_(oneAtATime), default_(std::move(defaultRDD)) {}

  bool hasPendingData() const override { return queue_->size() > 0; }

 protected:
  typename InputNode<T>::Batch takeBatch(Time) override {
    SparkContext& sc = this->graph().sparkContext();
    if (sc.cluster().size() == 1) return takeLocal();
    if (!sc.isDriver()) return {spreadFromDriver<T>(sc, {}), 0};
    std::vector<std::vector<T>> parts;
    std::int64_t n = 0;
    const std::exception_ptr failure = exec::failureOf([&] {  // every rank fails the batch with rank 0's reason
      auto [rdd, count] = takeLocal();
      parts = computeOnDriver(rdd);
      n = count;
    });
    return {spreadFromDriver(sc, std::move(parts), failure), n};
  }

 private:
  typename InputNode<T>::Batch takeLocal() {
    auto taken = queue_->take(oneAtATime_);
    RDD<T> batch;
    std::int64_t n = 0;
    if (taken.empty()) {
      batch = default_ ? *default_ : this->graph().sparkContext().template emptyRDD<T>();
      n = storedCount(batch);
    } else {  // oneAtATime = false: every queued RDD, as one union (Spark's UnionRDD)
      batch = taken.front();
      n = storedCount(batch);
      for (std::size_t i = 1; i < taken.size(); ++i) {
        batch = batch.union_(taken[i]);
        n += storedCount(taken[i]);
      }
    }
    return {std::move(batch), n};
  }

  std::shared_ptr<RDDQueue<T>> queue_;
  bool oneAtATime_;
  std::optional<RDD<T>> default_;
};

}  // namespace detail
}  // namespace rill
