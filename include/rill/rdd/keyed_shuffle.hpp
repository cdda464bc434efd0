#pragma once
// Moving key/value rows to the partitions a partitioner picks: the shuffle
// step shared by partitionBy, groupByKey, the sorts, the joins and cogroup (the combining
// ops use combine.hpp's writer instead). When the RDD is already partitioned
// that way, the rows are read in place and nothing moves.
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/shuffle.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Map side: each element becomes a Row and goes to the bucket of its key's partition.
template <class Row, class P>
struct KeyRoutingWriter {
  const P* part;
  std::vector<std::vector<Row>> buckets;
  template <class X>
  bool push(X&& x) {
    Row row = toRow<Row>(std::forward<X>(x));
    buckets[partitionOf(*part, row.first, buckets.size())].push_back(std::move(row));
    return true;
  }
  bool finish() { return true; }
  std::vector<std::vector<Row>> result() && { return std::move(buckets); }
};

/// Collects a partition as Rows.
template <class Row>
struct RowSink {
  std::vector<Row> rows;
  template <class X>
  bool push(X&& x) {
    rows.push_back(toRow<Row>(std::forward<X>(x)));
    return true;
  }
  bool finish() { return true; }
  std::vector<Row> result() && { return std::move(rows); }
};

/// Whether `rdd`'s partitions live where a shuffle into as many partitions puts
/// its output (block placement), so that rows partitioned by key can stay in place.
template <class R>
bool placedInBlocks(const R& rdd, std::size_t ranks) {
  if (ranks == 1) return true;
  for (std::size_t p = 0; p < rdd.numPartitions(); ++p)
    if (rdd.owner(p, ranks) != blockOwner(p, rdd.numPartitions(), ranks)) return false;
  return true;
}

/// Collects a partition as Rows and hands them to then(rows) -> std::vector<Out>.
template <class Row, class Then>
struct RowSinkThen : RowSink<Row> {
  const Then* then;
  auto result() && { return (*then)(std::move(this->rows)); }
};

/// The rows of a pair RDD in the partitions of `part`, each partition's rows handed
/// to then(rows) -> std::vector<Out> (a sort, a grouping) in the same job: one
/// vector per partition, those of partitions other ranks own empty.
template <class R, class P, class Then>
auto partitionRows(const R& rdd, std::string_view tag, const P& part, const Then& then) {
  using Row = row_t<typename R::value_type>;
  if (partitionedBy(rdd.partitioner().get(), part) && placedInBlocks(rdd, clusterOf(rdd.context()).size()))
    return runOwnedPartitions(rdd, tag, [&](std::size_t) { return RowSinkThen<Row, Then>{{}, &then}; });
  const std::size_t n = part.numPartitions();
  return shuffle(
      rdd, tag, n, [&](std::size_t) { return KeyRoutingWriter<Row, P>{&part, std::vector<std::vector<Row>>(n)}; },
      [&](std::size_t, std::span<std::vector<Row>> incoming) { return then(concatenate(incoming)); });
}
template <class R, class P>
auto partitionRows(const R& rdd, std::string_view tag, const P& part) {
  return partitionRows(rdd, tag, part, [](auto rows) { return rows; });
}

/// Stored partitions that remember `part` as their partitioner.
template <class Row, class P>
RDD<Row> keyedRDD(SparkContext& sc, std::vector<std::vector<Row>> parts, const P& part) {
  return RDD<Row>(sc, makeNode<StoredNode<Row>>(std::move(parts)),
                  rememberPartitioner<typename Row::first_type>(part));
}

/// out[r] = fn(r) -> std::vector<Out> for every partition r this rank owns (by
/// block placement, as a shuffle's output), in parallel.
template <class Fn>
auto perPartition(SparkContext& sc, std::string_view tag, std::size_t n, Fn&& fn) {
  std::vector<std::invoke_result_t<Fn&, std::size_t>> out(n);
  forEachTarget(sc, tag, n, [&](std::size_t r) { out[r] = fn(r); });
  return out;
}

}  // namespace rill::detail
