#pragma once
// Narrow transformations. The element-wise ones shared with DStream (map,
// filter, flatMap, keyBy, mapPartitions, glom) come from fuse::ElementOps;
// sample only appends a stage to the chain's type, zipWithIndex one after a job
// that counts the partitions' elements; union, coalesce and cache build a new
// node (moving partitions between ranks first where they must be on one);
// repartition and distinct shuffle (distinct not on an RDD with a partitioner).
#include <rill/core/concepts.hpp>
#include <rill/fuse/element_ops.hpp>
#include <rill/fuse/partition_stages.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/sampling.hpp>
#include <rill/rdd/shuffle.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {
/// The partitions of `parent` moved whole by a shuffle: partition m's elements go,
/// in order, to partition to(m) of n, which holds what it receives in partition order.
template <class R, class To>
auto movePartitions(const R& parent, std::string_view tag, std::size_t n, To to) {
  using T = typename R::value_type;
  return shuffle(
      parent, tag, n,
      [&](std::size_t m) {
        auto route = [target = to(m)](const T&) { return target; };
        return RoutingWriter<T, decltype(route)>{route, std::vector<std::vector<T>>(n)};
      },
      [](std::size_t, std::span<std::vector<T>> in) { return concatenate(in); });
}

/// `rdd` with every partition on the rank where a shuffle puts it (block placement),
/// moved there first when some partition lives elsewhere; the partitioner kept.
template <class T>
RDD<T> placedAsShuffled(const RDD<T>& rdd, std::string_view tag) {
  if (placedInBlocks(rdd, clusterOf(rdd.context()).size())) return rdd;
  auto parts = movePartitions(rdd, tag, rdd.numPartitions(), [](std::size_t m) { return m; });
  return RDD<T>(rdd.context(), makeNode<StoredNode<T>>(std::move(parts)), rdd.partitioner());
}

/// Each element once, at its first occurrence (distinct).
template <class T>
struct FirstOccurrences {
  FlatMap<T, char, Hash<T>> seen{Hash<T>()};
  template <class X>
  bool push(X&& x) {
    seen.upsert(std::forward<X>(x), [] { return char{}; }, [](char&) {});
    return true;
  }
  bool finish() { return true; }
  std::vector<T> result() && {
    std::vector<T> out;
    out.reserve(seen.size());
    for (auto& e : seen.entries()) out.push_back(std::move(e.first));
    return out;
  }
};

/// Spark's sc.union: when every RDD with partitions has the same partitioner,
/// partition i holds partition i of each, in order, and the union keeps the
/// partitioner (PartitionerAwareUnionRDD); else the partitions of all, one RDD
/// after the other. On several ranks a partitioned RDD whose partitions live
/// elsewhere than a shuffle puts them is moved there first, so that partition i
/// of every RDD is on one rank.
template <class T>
RDD<T> unionAll(SparkContext& sc, const std::vector<RDD<T>>& rdds) {
  std::vector<RDD<T>> nonEmpty;
  for (const RDD<T>& rdd : rdds)
    if (rdd.numPartitions() > 0) nonEmpty.push_back(rdd);
  const AnyPartitioner* shared = nonEmpty.empty() ? nullptr : nonEmpty.front().partitioner().get();
  const auto alike = [&](const RDD<T>& rdd) {
    return rdd.partitioner() && shared->equals(*rdd.partitioner()) &&
           rdd.numPartitions() == nonEmpty.front().numPartitions();
  };
  std::vector<Ref<const RDDNode<T>>> parents;
  if (!shared || !std::all_of(nonEmpty.begin(), nonEmpty.end(), alike)) {
    for (const RDD<T>& rdd : rdds) parents.push_back(rdd.node());
    return RDD<T>(sc, makeNode<UnionNode<T>>(std::move(parents)));
  }
  for (const RDD<T>& rdd : nonEmpty) parents.push_back(placedAsShuffled(rdd, "union").node());
  return RDD<T>(sc, makeNode<PartitionwiseUnionNode<T>>(std::move(parents)), nonEmpty.front().partitioner());
}

/// Whether every run of parents that a partition of coalesce(n) reads lives on one rank.
template <class R>
bool runsOnOneRank(const R& parent, std::size_t n, std::size_t ranks) {
  if (ranks == 1) return true;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [first, last] = coalescedRun(i, parent.numPartitions(), n);
    for (std::size_t q = first + 1; q < last; ++q)
      if (parent.owner(q, ranks) != parent.owner(first, ranks)) return false;
  }
  return true;
}
}  // namespace detail

template <class D>
class TransformOps : public fuse::ElementOps<D> {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// sample(withReplacement, fraction, seed): deterministic for a seed and a partitioning.
  auto sample(bool withReplacement, double fraction, std::uint64_t seed = 42) const {
    detail::checkFraction("sample", withReplacement, fraction);
    return d().then(fuse::SampleStage{withReplacement, fraction, seed});
  }

  /// zipWithIndex(): (x, index), indices ordered by partition then position. Like
  /// Spark, this runs a job to count the partitions before the last one.
  auto zipWithIndex() const {
    auto counts = detail::runPerPartition(d(), "zipWithIndex", [](std::size_t) { return detail::CountSink{}; });
    auto starts = std::make_shared<std::vector<std::int64_t>>(counts.size(), 0);
    for (std::size_t p = 1; p < counts.size(); ++p) (*starts)[p] = (*starts)[p - 1] + counts[p - 1];
    return d().then(fuse::ZipWithIndexStage{std::move(starts)});
  }

  /// union_(other): Spark's union (`union` is a C++ keyword), sc.union_ of both: the
  /// partitions of this RDD then those of other, or, when both have the same
  /// partitioner, partition i of this then of other, the partitioner kept.
  template <class Other>
  auto union_(const Other& other) const {
    using T = typename D::value_type;
    constexpr bool isRDD = detail::RDDLike<Other>;
    static_assert(isRDD, "rill: union_ needs an RDD");
    if constexpr (isRDD) {
      static_assert(std::is_same_v<T, typename Other::value_type>,
                    "rill: union_ needs two RDDs of the same element type");
      return detail::unionAll(d().context(), std::vector<RDD<T>>{d().toRDD(), other.toRDD()});
    }
  }

  /// cache() / persist(): computes each partition once, on first use, and keeps it.
  /// Keeps the partitioner, as Spark's cache returns the RDD itself.
  auto cache() const {
    using T = typename D::value_type;
    const RDD<T> parent = d().toRDD();
    return RDD<T>(d().context(), makeNode<detail::CachedNode<T>>(parent.node()), parent.partitioner());
  }
  auto persist() const { return cache(); }

  /// unpersist([blocking]): on the RDD cache()/persist() returned, drops the kept
  /// partitions; later actions compute them again, each time. Elsewhere it does nothing.
  /// Not while a job reads the RDD. Returns this RDD.
  D unpersist(bool /*blocking*/ = false) const {
    if constexpr (requires { d().node(); }) {
      using T = typename D::value_type;
      if (const auto* cached = dynamic_cast<const detail::CachedNode<T>*>(d().node().get())) cached->unpersist();
    }
    return d();
  }

  /// groupBy(f[, n | partitioner]): (f(x), std::vector of the elements x with that key).
  template <class F, class Part = std::size_t>
  auto groupBy(F f, Part part = 0) const {
    return d().keyBy(std::move(f)).groupByKey(part);
  }

  /// coalesce(n): fewer partitions by merging neighbours, no shuffle; coalesce(n, true)
  /// is repartition(n). With several ranks, neighbours that live on different
  /// ranks are first moved to one (the partitions and their order stay the same).
  /// The result has no partitioner, even when n leaves the partitions as they are:
  /// Spark's coalesce always makes a CoalescedRDD, which does not keep its parent's.
  template <std::integral N>
  auto coalesce(N numPartitions, bool shuffle = false) const {
    using T = typename D::value_type;
    const std::size_t n = detail::positivePartitionCount(numPartitions, "coalesce");
    if (shuffle) return repartition(n);
    auto parent = d().toRDD();
    const std::size_t parents = parent.numPartitions();
    const std::size_t ranks = detail::clusterOf(d().context()).size();
    if (n >= parents || detail::runsOnOneRank(parent, n, ranks))
      return RDD<T>(d().context(), makeNode<detail::CoalescedNode<T>>(parent.node(), std::min(n, parents)));
    // Each parent to the run holding it.
    auto parts = detail::movePartitions(parent, "coalesce", n, [&](std::size_t m) { return blockOwner(m, parents, n); });
    return RDD<T>(d().context(), makeNode<StoredNode<T>>(std::move(parts)));
  }

  /// repartition(n): spreads elements round-robin over n partitions (a shuffle).
  template <std::integral N>
  auto repartition(N numPartitions) const {
    using T = typename D::value_type;
    const std::size_t n = detail::positivePartitionCount(numPartitions, "repartition");
    auto parts = detail::shuffle(
        d(), "repartition", n,
        [n](std::size_t p) {
          auto next = std::make_shared<std::size_t>(p % n);
          auto route = [next, n](const T&) {
            std::size_t r = *next;
            *next = (r + 1 == n) ? 0 : r + 1;
            return r;
          };
          return detail::RoutingWriter<T, decltype(route)>{route, std::vector<std::vector<T>>(n)};
        },
        [](std::size_t, std::span<std::vector<T>> in) { return detail::concatenate(in); });
    return RDD<T>(d().context(), makeNode<StoredNode<T>>(std::move(parts)));
  }

  /// distinct([numPartitions]): each element once (a shuffle by hash). On an RDD with a
  /// partitioner, into as many partitions as it has, each partition's duplicates are
  /// dropped in place and the partitioner kept, as Spark's.
  template <std::integral N = std::size_t>
  auto distinct(N numPartitions = 0) const {
    using T = typename D::value_type;
    static_assert(HashableKey<T>, RILL_KEY_HASH_RULE);
    const std::size_t given = detail::partitionCount(numPartitions, "distinct");
    const std::size_t n = given ? given : d().numPartitions();  // Spark's distinct(partitions.length): 0 for none
    if (d().partitioner() && n == d().numPartitions()) {
      const RDD<T> placed = detail::placedAsShuffled(d().toRDD(), "distinct");
      auto parts = detail::runOwnedPartitions(placed, "distinct", [](std::size_t) { return detail::FirstOccurrences<T>{}; });
      return RDD<T>(d().context(), makeNode<StoredNode<T>>(std::move(parts)), placed.partitioner());
    }
    auto parts = detail::shuffle(
        d(), "distinct", n,
        [n](std::size_t) {
          auto route = [n](const T& x) { return Hash<T>{}(x) % n; };
          return detail::RoutingWriter<T, decltype(route)>{route, std::vector<std::vector<T>>(n)};
        },
        [](std::size_t, std::span<std::vector<T>> in) {
          detail::FirstOccurrences<T> seen;
          for (auto& bucket : in)
            for (auto& x : bucket) seen.push(std::move(x));
          return std::move(seen).result();
        });
    return RDD<T>(d().context(), makeNode<StoredNode<T>>(std::move(parts)));
  }
};

}  // namespace rill
