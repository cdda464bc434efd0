#pragma once
// Keyed windows and state keep every RDD they make partitioned by one
// partitioner (Spark's partitioner argument), so merging a window's batches,
// the previous window or the previous state is done partition by partition
// with no shuffle: partition r of the result reads partition r of each input.
#include <rill/rdd/hash_table.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/spark_context.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Runs fn(r, inputs) for every partition r of `part`, in parallel; inputs[i]
/// holds the rows of partition r of rdds[i] (an RDD not yet partitioned by
/// `part` is shuffled first). fn returns the rows of partition r of the
/// result, which remembers `part`. `tag` names the operation (jobs.hpp).
template <class Row, class P, class Fn>
auto mergeAligned(SparkContext& sc, std::string_view tag, const P& part, std::vector<RDD<Row>> rdds, Fn&& fn) {
  for (auto& rdd : rdds)
    if (!partitionedBy(rdd.partitioner().get(), part)) rdd = keyedRDD<Row>(sc, partitionRows(rdd, tag, part), part);
  using Out = typename std::invoke_result_t<Fn&, std::size_t, std::vector<std::vector<Row>>&>::value_type;
  auto parts = perPartition(sc, tag, part.numPartitions(), [&](std::size_t r) {
    std::vector<std::vector<Row>> inputs;
    inputs.reserve(rdds.size());
    for (const auto& rdd : rdds) {
      RowSink<Row> sink;
      rdd.runPartition(r, sink);
      inputs.push_back(std::move(sink).result());
    }
    return fn(r, inputs);
  });
  return keyedRDD<Out>(sc, std::move(parts), part);
}

/// Partitions saved from an RDD partitioned by `part`, as an RDD again: keyed
/// by `part` when there are as many as it makes, else plain (shuffled on use).
template <class Row, class P>
RDD<Row> restoredKeyedRDD(SparkContext& sc, std::vector<std::vector<Row>> parts, const P& part) {
  if (parts.size() == part.numPartitions()) return keyedRDD<Row>(sc, std::move(parts), part);
  return sc.fromPartitions(std::move(parts));
}

/// table[key] = merge(table[key], value) for every row, or value for a new key.
template <class K, class V, class Hash, class Merge>
void foldRows(FlatMap<K, V, Hash>& table, std::vector<std::pair<K, V>>& rows, const Merge& merge) {
  for (auto& row : rows)
    table.upsert(
        std::move(row.first), [&] { return std::move(row.second); },
        [&](V& v) { v = V(merge(std::move(v), std::move(row.second))); });
}

}  // namespace rill::detail
