#pragma once
// The common part of every input stream: at batch time the scheduler cuts what
// the input has gathered into an RDD for that batch (InputStream::cut); the
// stream hands that RDD out when the batch is computed. Inputs differ only in
// where the records come from (takeBatch).
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/by_time.hpp>
#include <rill/stream/driver_batch.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace rill::detail {

/// A batch of received records as an RDD: contiguous runs in
/// sc.defaultParallelism() partitions (none for an empty batch, as Spark's
/// receiver streams make an RDD with no blocks). With several ranks the
/// records are rank 0's, sent to the ranks that own their partitions.
template <class T>
RDD<T> receivedBatch(SparkContext& sc, std::vector<T> records) {
  if (sc.cluster().size() > 1) return spreadRecordsFromDriver(sc, std::move(records));
  if (records.empty()) return sc.template emptyRDD<T>();
  const std::size_t n = std::min(sc.defaultParallelism(), records.size());
  return sc.fromSlices(std::move(records), n);
}

template <class T>
class InputNode : public DStreamNode<T>, public InputStream {
 public:
  explicit InputNode(DStreamGraph& graph) : DStreamNode<T>(graph, graph.batchDuration(), {}) {}

  std::int64_t cut(Time t) final {
    auto [rdd, records] = takeBatch(t);
    std::lock_guard lock(cutMutex_);
    cut_.insertOrAssign(t, std::move(rdd));
    // Batches nothing asked for (an input no output reads, or batches a window
    // skips) are dropped once no window can reach back to them.
    const Duration keep = std::max(this->rememberDuration(), this->slideDuration());
    cut_.eraseBefore(t - keep);
    return records;
  }

 protected:
  struct Batch {
    RDD<T> rdd;
    std::int64_t records = 0;  // for the listener's BatchInfo.numRecords
  };
  /// What arrived since the last cut, as batch t's RDD.
  virtual Batch takeBatch(Time t) = 0;

  std::optional<RDD<T>> compute(Time t) override {
    std::lock_guard lock(cutMutex_);
    auto* found = cut_.find(t);
    if (!found) return this->graph().sparkContext().template emptyRDD<T>();
    auto rdd = std::move(*found);
    cut_.erase(t);
    return rdd;
  }

 private:
  std::mutex cutMutex_;
  ByTime<RDD<T>> cut_;  // guarded by cutMutex_
};

}  // namespace rill::detail
