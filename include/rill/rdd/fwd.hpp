#pragma once
// Declarations the RDD operation headers share: the RDD types, the context
// they run on and what it lends them (executor, cluster, shuffle metrics).
// jobs.hpp runs tasks on them.
#include <rill/exec/cluster.hpp>
#include <rill/exec/exchange.hpp>
#include <rill/exec/executor.hpp>
#include <rill/rdd/node.hpp>

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
}  // namespace detail

}  // namespace rill
