#pragma once
// Declarations the RDD operation headers share: the RDD types, the context
// they run on and what it lends them (executor, cluster, shuffle metrics).
// jobs.hpp runs tasks on them.
#include <rill/exec/cluster.hpp>
#include <rill/exec/exchange.hpp>
#include <rill/exec/executor.hpp>
#include <rill/rdd/node.hpp>

#include <concepts>
#include <cstddef>

namespace rill {

class SparkContext;
template <class T>
class RDD;
template <class T, class Pipe>
class PipedRDD;

namespace detail {
// Defined in spark_context.hpp.
exec::Executor& executorOf(SparkContext& sc);
exec::Cluster& clusterOf(SparkContext& sc);
exec::ExchangeMetrics& exchangeMetricsOf(SparkContext& sc);

/// An RDD-like value (RDD<T> or a chain): what the two-RDD operations accept as `other`.
template <class R>
concept RDDLike = requires(const R& r) {
  typename R::value_type;
  { r.numPartitions() } -> std::convertible_to<std::size_t>;
  r.partitioner();
  r.toRDD();
};
}  // namespace detail

}  // namespace rill
