#pragma once
// The operations on RDDs of any element type that borrow the keyed machinery:
// intersection and subtract (a shuffle placing each element by the whole
// element, then a hash table per partition, as join.hpp's), cartesian
// (cartesian.hpp's node) and sortBy (sort.hpp's range partitioning, keyed by f).
#include <rill/core/concepts.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/cartesian.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/join.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/shuffle.hpp>
#include <rill/rdd/sort.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// What intersection and subtract ask of their elements T and of their last argument:
/// the partitioner places, and its hasher hashes, whole elements.
template <class T, class Part>
constexpr bool checkSetElements() {
  static_assert(PlacesBy<Part, T>,
                "rill: the last argument of intersection and subtract must be a number of partitions or a "
                "partitioner of the elements (numPartitions() and getPartition(const T&) -> size_t)");
  static_assert(HashesBy<T, Part>, RILL_KEY_HASH_RULE);
  return PlacesBy<Part, T> && HashesBy<T, Part>;
}

/// The element itself as its key.
struct Whole {
  template <class X>
  const X& operator()(const X& x) const {
    return x;
  }
};

/// The elements of any RDD in the partitions of `part`, placed by the whole element.
template <class R, class P>
auto partitionElements(const R& rdd, std::string_view tag, const P& part) {
  using T = typename R::value_type;
  const std::size_t n = part.numPartitions();
  return shuffle(
      rdd, tag, n,
      [&](std::size_t) {
        auto route = [&part, n](const T& x) { return partitionOf(part, x, n); };
        return RoutingWriter<T, decltype(route)>{route, std::vector<std::vector<T>>(n)};
      },
      [](std::size_t, std::span<std::vector<T>> incoming) { return concatenate(incoming); });
}

/// The distinct elements of `left` that occur in `right` (intersection).
template <class T, class Hash>
std::vector<T> commonElements(std::vector<T>& left, const std::vector<T>& right, const Hash& hash) {
  const RowIndex index(right, Whole{}, hash);
  std::vector<char> taken(index.groups(), 0);
  std::vector<T> out;
  for (auto& x : left) {
    const auto g = index.find(x);
    if (g != index.npos && !taken[g]) {
      taken[g] = 1;
      out.push_back(std::move(x));
    }
  }
  return out;
}

/// The partitioner of intersection and subtract (`tag` names which) for `part`. A count of 0 takes
/// Spark's defaults: for intersection (a cogroup of elements, which have no
/// partitioner) HashPartitioner(spark.default.parallelism, else the larger
/// partition count of the two), for subtract HashPartitioner(this RDD's).
template <bool Intersect, class Part, class A, class B>
auto setPartitioner(const Part& part, std::string_view tag, const A& a, const B& b) {
  return choosePartitioner(part, tag, [&] {
    if constexpr (Intersect)
      return HashPartitioner<>(defaultPartitionCount(a.context(), std::max(a.numPartitions(), b.numPartitions())));
    else
      return HashPartitioner<>(a.numPartitions());
  });
}

/// intersection (Intersect) or subtract of two RDDs of T, both placed by the whole
/// element; the tables hash with the partitioner's hasher, as the keyed ops do.
template <bool Intersect, class A, class B, class Part>
RDD<typename A::value_type> setOperation(const A& a, const B& b, const Part& partArg) {
  using T = typename A::value_type;
  constexpr std::string_view tag = Intersect ? "intersection" : "subtract";
  const auto part = setPartitioner<Intersect>(partArg, tag, a, b);
  const auto hash = hasherFrom<hasher_of_t<Part>>(part);
  auto left = partitionElements(a, tag, part);
  auto right = partitionElements(b, tag, part);
  auto parts = perPartition(a.context(), tag, part.numPartitions(), [&](std::size_t r) {
    if constexpr (Intersect)
      return commonElements(left[r], right[r], hash);
    else
      return withoutMatches(left[r], right[r], Whole{}, hash);
  });
  return RDD<T>(a.context(), makeNode<StoredNode<T>>(std::move(parts)));
}

/// The values of (key, value) rows, in order (sortBy drops the keys it sorted by).
template <class V, class Rows>
std::vector<V> takeValues(Rows& rows) {
  std::vector<V> out;
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(std::move(row.second));
  return out;
}

}  // namespace detail

template <class D>
class SetOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// intersection(other[, n | partitioner]): the distinct elements present in both. The
  /// partitioner places elements by the whole element (getPartition(const T&)).
  template <class Other, class Part = std::size_t>
  auto intersection(const Other& other, Part part = 0) const {
    return setOperation<true>(other, part);
  }
  /// subtract(other[, n | partitioner]): the elements of this RDD (duplicates kept) that are not in other.
  template <class Other, class Part = std::size_t>
  auto subtract(const Other& other, Part part = 0) const {
    return setOperation<false>(other, part);
  }

  /// cartesian(other): every (t, u); partition (i, j) pairs partition i with partition j.
  template <class Other>
  auto cartesian(const Other& other) const {
    constexpr bool isRDD = detail::RDDLike<Other>;
    static_assert(isRDD, "rill: cartesian needs an RDD");
    if constexpr (isRDD) return cartesianWith(other);
  }

  /// sortBy(f[, ascending, numPartitions, less]): the elements ordered by f(x).
  template <class F, std::integral N = std::size_t, class Less = std::less<>>
  auto sortBy(F f, bool ascending = true, N numPartitions = 0, Less less = Less()) const {
    using T = typename D::value_type;
    static_assert(std::invocable<const F&, const T&>, "rill: sortBy(f) needs f callable as f(const T&)");
    if constexpr (std::invocable<const F&, const T&>) {
      using K = owned_key_t<result_of_t<F, T>>;
      static_assert(std::strict_weak_order<const Less&, const K&, const K&>,
                    "rill: sortBy(f) needs f's results ordered by < "
                    "(or pass a comparator: sortBy(f, ascending, n, less))");
      if constexpr (std::strict_weak_order<const Less&, const K&, const K&>) {
        const std::size_t n = detail::partitionCount(numPartitions, "sortBy");
        auto keyed = d().keyBy(std::move(f));
        auto strip = [](auto&& rows) { return detail::takeValues<T>(rows); };
        auto parts = detail::sortByKey(keyed, "sortBy", n, less, ascending, strip).first;
        return RDD<T>(d().context(), makeNode<StoredNode<T>>(std::move(parts)));
      }
    }
  }

 private:
  template <class Other>
  auto cartesianWith(const Other& other) const {
    using T = typename D::value_type;
    using U = typename Other::value_type;
    auto right = other.toRDD().node();
    if (detail::clusterOf(d().context()).size() > 1) {  // every rank pairs its left partitions with all the right side
      auto parts = detail::runPerPartition(other, "cartesian", [](std::size_t) { return detail::CollectSink<U>{}; });
      right = makeNode<StoredNode<U>>(std::move(parts));
    }
    auto node = makeNode<detail::CartesianNode<T, U>>(d().toRDD().node(), std::move(right));
    return RDD<std::pair<T, U>>(d().context(), std::move(node));
  }

  template <bool Intersect, class Other, class Part>
  auto setOperation(const Other& other, const Part& part) const {
    using T = typename D::value_type;
    constexpr bool isRDD = detail::RDDLike<Other>;
    static_assert(isRDD, "rill: intersection and subtract need an RDD");
    if constexpr (isRDD) {
      constexpr bool sameType = std::is_same_v<T, typename Other::value_type>;
      static_assert(sameType, "rill: intersection and subtract need two RDDs of the same element type");
      if constexpr (sameType)
        if constexpr (detail::checkSetElements<T, Part>()) return detail::setOperation<Intersect>(d(), other, part);
    }
  }
};

}  // namespace rill
