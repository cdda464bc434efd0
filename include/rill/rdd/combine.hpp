#pragma once
// Keyed aggregation: combineByKey, which reduceByKey, foldByKey,
// aggregateByKey and countByKey are built on, and groupByKey.
//
// Map side: each input partition's fused chain ends in a CombineWriter that
// folds every pair into that partition's own FlatMap as it arrives (no vector
// of pairs in between). The finished table is cut into one bucket per target
// partition; each target then merges the buckets it received into one table,
// in parallel on the executor. groupByKey does no map-side combine (as Spark:
// it would not shrink the data). An RDD already partitioned as asked is
// combined or grouped in place, without a shuffle.
#include <rill/core/ref.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/shuffle.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Spark's Aggregator: how the values of a key start a combiner, join it, and how combiners merge.
template <class Create, class MergeValue, class MergeCombiners>
struct Aggregator {
  Create create;
  MergeValue mergeValue;
  MergeCombiners mergeCombiners;
};
template <class A, class B, class C>
Aggregator(A, B, C) -> Aggregator<A, B, C>;

/// reduceByKey's createCombiner: the first value is the combiner.
struct Identity {
  template <class X>
  std::remove_cvref_t<X> operator()(X&& x) const {
    return std::forward<X>(x);
  }
};

/// The end of a map task's fused chain: combines each pair into the partition's table.
template <class K, class C, class Agg, class P, class Hash>
struct CombineWriter {
  const Agg* agg;
  const P* part;  // null when combining in place: the whole table is one bucket
  FlatMap<K, C, Hash> table;
  std::atomic<std::size_t>* keysSeen;  // the keys the last finished map task held (see combineByKey)

  template <class X>
  bool push(X&& x) {
    table.upsert(
        std::get<0>(std::forward<X>(x)), [&] { return C(agg->create(std::get<1>(std::forward<X>(x)))); },
        [&](C& c) { c = agg->mergeValue(std::move(c), std::get<1>(std::forward<X>(x))); });
    return true;
  }
  bool finish() { return true; }
  /// The table cut into one bucket per target partition, each allocated to its
  /// exact size: map outputs wait for the reduce side, so their slack would add up.
  std::vector<std::vector<std::pair<K, C>>> result() && {
    const std::size_t n = part ? part->numPartitions() : 1;
    std::vector<std::vector<std::pair<K, C>>> buckets(n);
    keysSeen->store(table.size(), std::memory_order_relaxed);
    auto entries = std::move(table).take();
    if (n == 1) {
      buckets[0] = std::move(entries);
      return buckets;
    }
    std::vector<std::uint32_t> target(entries.size());
    std::vector<std::size_t> sizes(n);
    for (std::size_t i = 0; i < entries.size(); ++i)
      ++sizes[target[i] = static_cast<std::uint32_t>(partitionOf(*part, entries[i].first, n))];
    for (std::size_t r = 0; r < n; ++r) buckets[r].reserve(sizes[r]);
    for (std::size_t i = 0; i < entries.size(); ++i) buckets[target[i]].push_back(std::move(entries[i]));
    return buckets;
  }
};

/// Reduce side: merges the combined buckets one target received.
template <class K, class C, class Merge, class Hash>
std::vector<std::pair<K, C>> mergeCombined(std::span<std::vector<std::pair<K, C>>> incoming,
                                           const Merge& merge, const Hash& hash) {
  if (auto* only = soleBucket(incoming)) return std::move(*only);  // one map table: keys are unique already
  std::size_t largest = 0;
  for (auto& bucket : incoming) largest = std::max(largest, bucket.size());
  FlatMap<K, C, Hash> table(hash);
  table.reserve(largest + largest / 8);  // the keys of all: a few more than the largest's, seldom twice
  for (auto& bucket : incoming) {
    for (auto& e : bucket)
      table.upsert(
          std::move(e.first), [&] { return std::move(e.second); },
          [&](C& c) { c = merge(std::move(c), std::move(e.second)); });
    std::vector<std::pair<K, C>>().swap(bucket);  // merged: its memory can go now
  }
  return std::move(table).take();
}

/// The RDD's own partitioner when `partArg` lets the op keep it: the default
/// (0) on an RDD that has one, or a partitioner equal to the RDD's, with the
/// partitions where a shuffle would put them. Null otherwise. `op` names the operation.
template <class R, class Part>
Ref<const AnyPartitioner> keptPartitioner(const R& rdd, std::string_view op, const Part& partArg) {
  Ref<const AnyPartitioner> info = rdd.partitioner();
  if (!info || !placedInBlocks(rdd, clusterOf(rdd.context()).size())) return nullptr;
  if constexpr (std::is_integral_v<Part>)
    if (partArg == 0) return info;
  return partitionedBy(info.get(), rddPartitioner(partArg, op, rdd)) ? info : nullptr;
}

/// combineByKey(rdd, tag, aggregator, numPartitions or partitioner); `tag` names
/// the operation (reduceByKey, aggregateByKey...).
template <class R, class Agg, class Part>
auto combineByKey(const R& rdd, std::string_view tag, const Agg& agg, const Part& partArg) {
  using T = typename R::value_type;
  using K = owned_key_t<key_of_t<T>>;
  using C = result_of_t<decltype(agg.create), mapped_of_t<T>>;
  using Entry = std::pair<K, C>;
  using Hash = hasher_of_t<Part>;
  auto& sc = rdd.context();
  auto kept = keptPartitioner(rdd, tag, partArg);
  const auto part = rddPartitioner(partArg, tag, rdd);
  using P = std::remove_cvref_t<decltype(part)>;
  const Hash hash = hasherFrom<Hash>(part);
  // In place, one table per partition (no target to cut it for); else one bucket per target.
  // A map task's table starts with room for an eighth more keys than the last finished
  // task held: partitions of one input are alike, so it seldom grows, and the map
  // outputs waiting for the reduce side do not sit beside tables at twice their size
  // (with room for exactly as many, a task holding a few keys more doubled its entries).
  std::atomic<std::size_t> keysSeen{0};
  auto makeWriter = [&](std::size_t) {
    CombineWriter<K, C, Agg, P, Hash> writer{&agg, kept ? nullptr : &part, FlatMap<K, C, Hash>(hash), &keysSeen};
    if (const std::size_t keys = keysSeen.load(std::memory_order_relaxed)) writer.table.reserve(keys + keys / 8);
    return writer;
  };
  if (kept) {
    // In place: each partition's table is its output ({table}; {} where another rank owns it).
    auto tables = runOwnedPartitions(rdd, tag, makeWriter);
    std::vector<std::vector<Entry>> parts(tables.size());
    for (std::size_t p = 0; p < parts.size(); ++p)
      if (!tables[p].empty()) parts[p] = std::move(tables[p][0]);
    return RDD<Entry>(sc, makeNode<StoredNode<Entry>>(std::move(parts)), std::move(kept));
  }
  auto parts = shuffle(rdd, tag, part.numPartitions(), makeWriter,
                       [&](std::size_t, std::span<std::vector<Entry>> incoming) {
                         return mergeCombined(incoming, agg.mergeCombiners, hash);
                       });
  return keyedRDD<Entry>(sc, std::move(parts), part);
}

/// groupByKey(rdd, numPartitions or partitioner): (key, all its values).
template <class R, class Part>
auto groupByKey(const R& rdd, const Part& partArg) {
  using T = typename R::value_type;
  using Row = row_t<T>;
  using K = typename Row::first_type;
  using V = typename Row::second_type;
  using Out = std::pair<K, std::vector<V>>;
  using Hash = hasher_of_t<Part>;
  auto kept = keptPartitioner(rdd, "groupByKey", partArg);
  const auto part = rddPartitioner(partArg, "groupByKey", rdd);
  const Hash hash = hasherFrom<Hash>(part);
  const auto group = [&](std::vector<Row> rows) {
    FlatMap<K, std::vector<V>, Hash> table(hash);
    for (auto& row : rows)
      table.upsert(
          std::move(row.first),
          [&] {
            std::vector<V> values;
            values.push_back(std::move(row.second));
            return values;
          },
          [&](std::vector<V>& values) { values.push_back(std::move(row.second)); });
    return std::move(table).take();
  };
  auto groups = kept ? runOwnedPartitions(rdd, "groupByKey",
                                          [&](std::size_t) { return RowSinkThen<Row, decltype(group)>{{}, &group}; })
                     : partitionRows(rdd, "groupByKey", part, group);
  return RDD<Out>(rdd.context(), makeNode<StoredNode<Out>>(std::move(groups)),
                  kept ? std::move(kept) : rememberPartitioner<K>(part));
}

}  // namespace rill::detail
