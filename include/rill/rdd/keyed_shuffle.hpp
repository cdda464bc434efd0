#pragma once
// Moving key/value rows to the partitions a partitioner picks: the shuffle
// step shared by partitionBy, groupByKey, the joins and cogroup (the combining
// ops use combine.hpp's writer instead). When the RDD is already partitioned
// that way, the rows are read in place and nothing moves.
#include <rill/core/algorithm.hpp>
#include <rill/core/functional.hpp>
#include <rill/core/ref.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/shuffle.hpp>

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
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

/// The rows of a pair RDD in the partitions of `part`, one vector per partition.
template <class R, class P>
auto partitionRows(const R& rdd, const P& part) {
  using Row = row_t<typename R::value_type>;
  if (partitionedBy(rdd.partitioner().get(), part))
    return runPerPartition(rdd, [](std::size_t) { return RowSink<Row>{}; });
  const std::size_t n = part.numPartitions();
  return shuffle(
      rdd, n, [&](std::size_t) { return KeyRoutingWriter<Row, P>{&part, std::vector<std::vector<Row>>(n)}; },
      [](std::size_t, std::span<std::vector<Row>> incoming) { return concatenate(incoming); });
}

/// The partitioner an op uses when given `part`: a partitioner as it is; a
/// number n > 0 as HashPartitioner(n); 0 (the default) as the first inputs'
/// HashPartitioner if one has it, else HashPartitioner(the most partitions of
/// any input), as Spark's defaultPartitioner.
template <class Part, class... Rs>
auto choosePartitioner(const Part& part, const Rs&... rdds) {
  if constexpr (std::is_integral_v<Part>) {
    if constexpr (std::is_signed_v<Part>)
      if (part < 0) throw std::invalid_argument("rill: the number of partitions must not be negative");
    if (part != 0) return HashPartitioner<>(static_cast<std::size_t>(part));
    for (const auto& info : {Ref<const AnyPartitioner>(rdds.partitioner())...})
      if (const auto* hash = info ? info->template target<HashPartitioner<>>() : nullptr) return *hash;
    return HashPartitioner<>(std::max<std::size_t>({std::size_t{1}, rdds.numPartitions()...}));
  } else {
    return part;
  }
}

/// Stored partitions that remember `part` as their partitioner.
template <class Row, class P>
RDD<Row> keyedRDD(SparkContext& sc, std::vector<std::vector<Row>> parts, const P& part) {
  return RDD<Row>(sc, makeNode<StoredNode<Row>>(std::move(parts)),
                  rememberPartitioner<typename Row::first_type>(part));
}

/// out[r] = fn(r) -> std::vector<Out> for every partition r, in parallel.
template <class Fn>
auto perPartition(SparkContext& sc, std::size_t n, Fn&& fn) {
  std::vector<std::invoke_result_t<Fn&, std::size_t>> out(n);
  forEachTarget(sc, n, [&](std::size_t r) { out[r] = fn(r); });
  return out;
}

/// The elements of any RDD in the partitions of `part`, placed by the whole element
/// (intersection, subtract).
template <class R, class P>
auto partitionElements(const R& rdd, const P& part) {
  using T = typename R::value_type;
  const std::size_t n = part.numPartitions();
  return shuffle(
      rdd, n,
      [&](std::size_t) {
        auto route = [&part, n](const T& x) { return partitionOf(part, x, n); };
        return RoutingWriter<T, decltype(route)>{route, std::vector<std::vector<T>>(n)};
      },
      [](std::size_t, std::span<std::vector<T>> incoming) { return concatenate(incoming); });
}

/// The table hasher for partitioner P: the partitioner's own when it has one.
template <class Hash, class P>
Hash hasherFrom(const P& part) {
  if constexpr (requires { Hash(part.hasher()); })
    return Hash(part.hasher());
  else
    return Hash();
}

/// An RDD-like value (RDD<T> or a chain): what the two-RDD operations accept as `other`.
template <class R>
concept RDDLike = requires(const R& r) {
  typename R::value_type;
  { r.numPartitions() } -> std::convertible_to<std::size_t>;
  r.partitioner();
  r.toRDD();
};

}  // namespace rill::detail
