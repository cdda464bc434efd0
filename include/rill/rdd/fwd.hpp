#pragma once
// Declarations the RDD operation headers share: the RDD types, the context
// they run on, and the helper that runs one task per partition.
#include <rill/exec/executor.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <vector>

namespace rill {

class SparkContext;
template <class T>
class RDD;
template <class T, class Pipe>
class PipedRDD;

namespace detail {
exec::Executor& executorOf(SparkContext& sc);  // defined in spark_context.hpp

/// Runs fn(p) for every partition of `rdd` on the context's executor. An RDD
/// without partitions still submits its (empty) job, so a stopped context
/// refuses it as Spark's runJob does, instead of answering with an empty result.
template <class R, class Fn>
void forEachPartition(const R& rdd, Fn&& fn) {
  executorOf(rdd.context()).runTasks(rdd.numPartitions(), fn);
}

/// Runs `rdd`'s partitions in parallel, each into the sink make(p) returns,
/// and gives back one result per partition (sink.result()).
template <class R, class MakeSink>
auto runPerPartition(const R& rdd, MakeSink&& make) {
  using Sink = decltype(make(std::size_t{}));
  using Result = decltype(std::declval<Sink&&>().result());
  std::vector<Result> results(rdd.numPartitions());
  forEachPartition(rdd, [&](std::size_t p) {
    auto sink = make(p);
    rdd.runPartition(p, sink);
    results[p] = std::move(sink).result();
  });
  return results;
}

}  // namespace detail
}  // namespace rill
