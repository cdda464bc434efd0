#pragma once
// Operations on RDDs of key/value pairs (Spark's PairRDDFunctions). Members
// here only check types and pick the machinery: combine.hpp (aggregation,
// groupByKey), join.hpp (joins, cogroup, subtractByKey), sort.hpp,
// value_stages.hpp (fused mapValues, flatMapValues).
//
// The element is std::pair<K, V> or a 2-tuple. Shuffled results are
// std::pair<owned_key_t<K>, ...> (a std::string_view key comes back as
// std::string) and remember their partitioner. The optional last argument of
// the hash-keyed ops is a number of partitions (0: Spark's default partitioner,
// see detail::defaultPartitioner) or a partitioner (rill::HashPartitioner(n) or
// any type with numPartitions() and getPartition(const K&)).
#include <rill/core/concepts.hpp>
#include <rill/core/message.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/rdd/combine.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/join.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/sort.hpp>
#include <rill/rdd/value_stages.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <span>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// F callable with Args, returning something convertible to R.
template <class F, class R, class... Args>
concept InvocableTo =
    std::invocable<const F&, Args...> && std::convertible_to<std::invoke_result_t<const F&, Args...>, R>;

/// Both RDDs hold pairs with the same key type (joins, cogroup, subtractByKey).
template <class T, class U>
constexpr bool sameKeys() {
  if constexpr (PairLike<T> && PairLike<U>)
    return std::is_same_v<owned_key_t<key_of_t<T>>, owned_key_t<key_of_t<U>>>;
  else
    return false;
}

/// The values of one key in a partition (lookup).
template <class V, class Key>
struct LookupSink {
  const Key* key;
  std::vector<V> out;
  template <class X>
  bool push(X&& x) {
    if (std::get<0>(x) == *key) out.push_back(std::get<1>(std::forward<X>(x)));
    return true;
  }
  bool finish() { return true; }
  std::vector<V> result() && { return std::move(out); }
};

/// One partition reduced by key into a map (reduceByKeyLocally).
template <class K, class V, class F>
struct LocalReduceSink {
  const F* f;
  std::unordered_map<K, V, MapHash<K>> map;
  template <class X>
  bool push(X&& x) {
    auto [at, fresh] = map.try_emplace(K(std::get<0>(x)), std::get<1>(std::forward<X>(x)));
    if (!fresh) at->second = (*f)(std::move(at->second), std::get<1>(std::forward<X>(x)));
    return true;
  }
  bool finish() { return true; }
  std::unordered_map<K, V, MapHash<K>> result() && { return std::move(map); }
};

}  // namespace detail

template <class D>
class PairOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  // ---- aggregation ---------------------------------------------------------------------------

  /// reduceByKey(f[, n | partitioner]): f(V, V) -> V, associative and commutative.
  template <class F, class Part = std::size_t>
  auto reduceByKey(F f, Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "reduceByKey needs an RDD");
    if constexpr (PairLike<T>) {
      static_assert(ReduceFunction<F, mapped_of_t<T>>,
                    "rill: reduceByKey(f) needs f callable as f(const V&, const V&) returning V");
      if constexpr (ReduceFunction<F, mapped_of_t<T>> && detail::checkKeyed<T, Part>())
        return detail::combineByKey(d(), "reduceByKey", detail::Aggregator{detail::Identity{}, f, f}, part);
    }
  }

  /// foldByKey(zero, f[, n | partitioner]): like reduceByKey, each key's values in a map
  /// partition folded starting from zero.
  template <class Z, class F, class Part = std::size_t>
  auto foldByKey(const Z& zero, F f, Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "foldByKey needs an RDD");
    if constexpr (PairLike<T>) {
      using V = mapped_of_t<T>;
      static_assert(ReduceFunction<F, V> && std::convertible_to<const Z&, V>,
                    "rill: foldByKey(zero, f) needs zero convertible to V and f(const V&, const V&) returning V");
      if constexpr (ReduceFunction<F, V> && std::convertible_to<const Z&, V> && detail::checkKeyed<T, Part>()) {
        auto start = [z = V(zero), f](const V& v) { return V(f(z, v)); };
        return detail::combineByKey(d(), "foldByKey", detail::Aggregator{start, f, f}, part);
      }
    }
  }

  /// aggregateByKey(zero, seqOp, combOp[, n | partitioner]): seqOp(U, V) -> U folds a key's
  /// values in a map partition starting from zero, combOp(U, U) -> U merges.
  template <class U, class Seq, class Comb, class Part = std::size_t>
  auto aggregateByKey(U zero, Seq seqOp, Comb combOp, Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "aggregateByKey needs an RDD");
    if constexpr (PairLike<T>) {
      using V = mapped_of_t<T>;
      constexpr bool seqOk = detail::InvocableTo<Seq, U, const U&, const V&>;
      static_assert(seqOk,
                    "rill: aggregateByKey(zero, seqOp, combOp) needs seqOp(U, const V&) -> U, U the type of zero");
      static_assert(ReduceFunction<Comb, U>, "rill: aggregateByKey(zero, seqOp, combOp) needs combOp(U, U) -> U");
      if constexpr (seqOk && ReduceFunction<Comb, U> && detail::checkKeyed<T, Part>()) {
        auto start = [zero, seqOp](const V& v) { return U(seqOp(zero, v)); };
        return detail::combineByKey(d(), "aggregateByKey", detail::Aggregator{start, seqOp, combOp}, part);
      }
    }
  }

  /// combineByKey(createCombiner, mergeValue, mergeCombiners[, n | partitioner]):
  /// createCombiner(V) -> C, mergeValue(C, V) -> C, mergeCombiners(C, C) -> C.
  template <class Create, class MergeValue, class MergeCombiners, class Part = std::size_t>
  auto combineByKey(Create createCombiner, MergeValue mergeValue, MergeCombiners mergeCombiners,
                    Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "combineByKey needs an RDD");
    if constexpr (PairLike<T>) {
      using V = mapped_of_t<T>;
      static_assert(std::invocable<const Create&, const V&>,
                    "rill: combineByKey needs createCombiner callable as createCombiner(const V&) -> C");
      if constexpr (std::invocable<const Create&, const V&>) {
        using C = result_of_t<Create, V>;
        constexpr bool mergeOk = detail::InvocableTo<MergeValue, C, C, const V&>;
        static_assert(mergeOk, "rill: combineByKey needs mergeValue(C, const V&) -> C");
        static_assert(ReduceFunction<MergeCombiners, C>, "rill: combineByKey needs mergeCombiners(C, C) -> C");
        if constexpr (mergeOk && ReduceFunction<MergeCombiners, C> && detail::checkKeyed<T, Part>())
          return detail::combineByKey(d(), "combineByKey", detail::Aggregator{createCombiner, mergeValue, mergeCombiners},
                                      part);
      }
    }
  }

  /// groupByKey([n | partitioner]): (key, std::vector of its values). No map-side combine.
  template <class Part = std::size_t>
  auto groupByKey(Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "groupByKey needs an RDD");
    if constexpr (detail::checkKeyed<T, Part>()) return detail::groupByKey(d(), part);
  }

  /// reduceByKeyLocally(f): an action, each key's values reduced with f, as a map
  /// (every partition reduced into its own map, the maps merged in partition order).
  template <class F>
  auto reduceByKeyLocally(F f) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "reduceByKeyLocally needs an RDD");
    if constexpr (PairLike<T>) {
      using K = owned_key_t<key_of_t<T>>;
      using V = mapped_of_t<T>;
      static_assert(ReduceFunction<F, V>,
                    "rill: reduceByKeyLocally(f) needs f callable as f(const V&, const V&) returning V");
      if constexpr (ReduceFunction<F, V> && detail::checkKeyed<T, std::size_t>()) {
        auto parts = detail::runPerPartition(d(), "reduceByKeyLocally",
                                             [&](std::size_t) { return detail::LocalReduceSink<K, V, F>{&f, {}}; });
        std::unordered_map<K, V, MapHash<K>> total;
        for (auto& part : parts)
          for (auto& [k, v] : part) {
            auto [at, fresh] = total.try_emplace(k, v);
            if (!fresh) at->second = f(std::move(at->second), std::move(v));
          }
        return total;
      }
    }
  }

  /// countByKey(): an action, the number of elements per key.
  auto countByKey() const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "countByKey needs an RDD");
    if constexpr (detail::checkKeyed<T, std::size_t>()) {
      auto one = [](const auto&) { return std::int64_t{1}; };
      auto add = [](std::int64_t c, const auto&) { return c + 1; };
      auto counts = detail::combineByKey(d(), "countByKey", detail::Aggregator{one, add, std::plus<std::int64_t>()},
                                         std::size_t{0})
                        .collect();
      using K = owned_key_t<key_of_t<T>>;
      return std::unordered_map<K, std::int64_t, MapHash<K>>(
          std::make_move_iterator(counts.begin()), std::make_move_iterator(counts.end()));
    }
  }

  // ---- per-key values ------------------------------------------------------------------------

  /// mapValues(f): (k, v) -> (k, f(v)). Fused; keeps the partitioner.
  template <class F>
  auto mapValues(F f) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "mapValues needs an RDD");
    if constexpr (PairLike<T>) {
      static_assert(std::invocable<const F&, const mapped_of_t<T>&>,
                    "rill: mapValues(f) needs f callable as f(const V&), V the value type");
      if constexpr (std::invocable<const F&, const mapped_of_t<T>&>)
        return d().then(detail::MapValuesStage<F>{{std::move(f)}});
    }
  }

  /// flatMapValues(f): (k, v) -> (k, y) for each y in f(v), a range. Fused; keeps the partitioner.
  template <class F>
  auto flatMapValues(F f) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "flatMapValues needs an RDD");
    if constexpr (PairLike<T>) {
      static_assert(std::invocable<const F&, const mapped_of_t<T>&>,
                    "rill: flatMapValues(f) needs f callable as f(const V&) returning a range");
      if constexpr (std::invocable<const F&, const mapped_of_t<T>&>) {
        using R = std::remove_reference_t<std::invoke_result_t<const F&, const mapped_of_t<T>&>>;
        static_assert(fuse::Iterable<R>, "rill: flatMapValues(f) needs f to return a range (begin()/end())");
        if constexpr (fuse::Iterable<R>) return d().then(detail::FlatMapValuesStage<F>{{std::move(f)}});
      }
    }
  }

  /// keys() / values(): fused maps to the first / second member.
  auto keys() const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "keys needs an RDD");
    if constexpr (PairLike<typename D::value_type>) return d().then(fuse::MapStage<detail::Member<0>>{{}});
  }
  auto values() const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "values needs an RDD");
    if constexpr (PairLike<typename D::value_type>) return d().then(fuse::MapStage<detail::Member<1>>{{}});
  }

  /// lookup(key): an action, the values of `key`. Reads only the key's partition when
  /// the RDD knows its partitioner.
  template <class Key>
  auto lookup(const Key& key) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "lookup needs an RDD");
    if constexpr (PairLike<T>) {
      using K = owned_key_t<key_of_t<T>>;
      static_assert(std::equality_comparable_with<key_of_t<T>, Key> && std::constructible_from<K, const Key&>,
                    "rill: lookup(key) needs a key comparable with == to the RDD's key type");
      using Sink = detail::LookupSink<mapped_of_t<T>, Key>;
      const auto info = d().partitioner();
      if (const auto* keyed = dynamic_cast<const AnyKeyPartitioner<K>*>(info.get())) {
        // A partitioner of 0 partitions (a shuffle of nothing) has no partition to read; Spark's
        // getPartition would divide by zero, but the answer is known: no values.
        if (keyed->numPartitions() == 0) return std::vector<mapped_of_t<T>>{};
        const std::size_t p = keyed->partitionOf(K(key));
        // A partitioner may answer a partition the RDD does not have (e.g. -1 for a negative
        // key): Spark's job over it is refused with an IllegalArgumentException, not run.
        // A negative int answer arrives here wrapped around, so it is shown signed, as Spark's.
        if (p >= d().numPartitions())
          throw std::invalid_argument(detail::message({"rill: Attempting to access a non-existent partition: ",
                                                       static_cast<std::int64_t>(p), ". Total number of partitions: ",
                                                       d().numPartitions()}));
        if (detail::clusterOf(d().context()).size() > 1)  // the partition's owner computes it for all
          return std::move(detail::runPartitions(d(), "lookup", p, p + 1, [&](std::size_t) { return Sink{&key, {}}; })[0]);
        Sink sink{&key, {}};
        d().runPartition(p, sink);
        return std::move(sink).result();
      }
      auto found = detail::runPerPartition(d(), "lookup", [&](std::size_t) { return Sink{&key, {}}; });
      return detail::concatenate(std::span(found));
    }
  }

  /// collectAsMap(): an action; for a key present more than once, the last value wins.
  auto collectAsMap() const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "collectAsMap needs an RDD");
    if constexpr (detail::checkKeyed<T, std::size_t>()) {
      using K = owned_key_t<key_of_t<T>>;
      std::unordered_map<K, mapped_of_t<T>, MapHash<K>> map;
      for (auto& x : d().collect()) map.insert_or_assign(std::get<0>(std::move(x)), std::get<1>(std::move(x)));
      return map;
    }
  }

  // ---- partitioning and sorting --------------------------------------------------------------

  /// partitionBy(partitioner): elements moved to the partitions the partitioner picks
  /// for their keys; the result remembers it.
  template <class P>
  auto partitionBy(const P& partitioner) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "partitionBy needs an RDD");
    if constexpr (PairLike<T>) {
      using Row = detail::row_t<T>;
      static_assert(PartitionerFor<P, typename Row::first_type>,
                    "rill: partitionBy(p) needs a partitioner: numPartitions() and getPartition(const K&) -> size_t");
      if constexpr (PartitionerFor<P, typename Row::first_type>) {
        if constexpr (std::is_same_v<T, Row>)
          if (detail::partitionedBy(d().partitioner().get(), partitioner)) return RDD<Row>(d().toRDD());
        return detail::keyedRDD<Row>(d().context(), detail::partitionRows(d(), "partitionBy", partitioner),
                                     partitioner);
      }
    }
  }

  /// repartitionAndSortWithinPartitions(partitioner[, less]): partitionBy(partitioner), each
  /// partition then sorted by key (equal keys keep their shuffle order); remembers the partitioner.
  template <class P, class Less = std::less<>>
  auto repartitionAndSortWithinPartitions(const P& partitioner, Less less = Less()) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "repartitionAndSortWithinPartitions needs an RDD");
    if constexpr (PairLike<T>) {
      using Row = detail::row_t<T>;
      using K = typename Row::first_type;
      static_assert(PartitionerFor<P, K>, "rill: repartitionAndSortWithinPartitions(p) needs a partitioner: "
                                          "numPartitions() and getPartition(const K&) -> size_t");
      static_assert(std::strict_weak_order<const Less&, const K&, const K&>,
                    "rill: repartitionAndSortWithinPartitions needs keys ordered by < (or pass a comparator)");
      if constexpr (PartitionerFor<P, K> && std::strict_weak_order<const Less&, const K&, const K&>) {
        constexpr const char* tag = "repartitionAndSortWithinPartitions";
        auto parts = detail::partitionRows(d(), tag, partitioner, [&](std::vector<Row> rows) {
          const auto order = detail::keyOrder(less);
          std::stable_sort(rows.begin(), rows.end(),
                           [&](const Row& a, const Row& b) { return order(a.first, b.first); });
          return rows;
        });
        return detail::keyedRDD<Row>(d().context(), std::move(parts), partitioner);
      }
    }
  }

  /// sortByKey([ascending, numPartitions, less]): ordered within and across partitions.
  template <std::integral N = std::size_t, class Less = std::less<>>
  auto sortByKey(bool ascending = true, N numPartitions = 0, Less less = Less()) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "sortByKey needs an RDD");
    if constexpr (PairLike<T>) {
      using K = owned_key_t<key_of_t<T>>;
      static_assert(std::strict_weak_order<const Less&, const K&, const K&>,
                    "rill: sortByKey needs keys ordered by < (or pass a comparator: sortByKey(ascending, n, less))");
      if constexpr (std::strict_weak_order<const Less&, const K&, const K&>) {
        const std::size_t n = detail::partitionCount(numPartitions, "sortByKey");
        auto [parts, part] = detail::sortByKey(d(), "sortByKey", n, less, ascending,
                                               [](auto&& rows) { return std::move(rows); });
        return detail::keyedRDD<detail::row_t<T>>(d().context(), std::move(parts), part);
      }
    }
  }

  // ---- joins -------------------------------------------------------------------------------------

  /// join(other[, n | partitioner]) -> (k, (v, w)) for every pair of matching elements.
  template <class Other, class Part = std::size_t>
  auto join(const Other& other, Part part = 0) const {
    return joined<false, false>(other, part);
  }
  /// leftOuterJoin -> (k, (v, optional<w>)); rightOuterJoin -> (k, (optional<v>, w));
  /// fullOuterJoin -> (k, (optional<v>, optional<w>)). A missing side is std::nullopt.
  template <class Other, class Part = std::size_t>
  auto leftOuterJoin(const Other& other, Part part = 0) const {
    return joined<true, false>(other, part);
  }
  template <class Other, class Part = std::size_t>
  auto rightOuterJoin(const Other& other, Part part = 0) const {
    return joined<false, true>(other, part);
  }
  template <class Other, class Part = std::size_t>
  auto fullOuterJoin(const Other& other, Part part = 0) const {
    return joined<true, true>(other, part);
  }

  /// cogroup(other[, n | partitioner]) -> (k, (vector<V>, vector<W>));
  /// cogroup(other1, other2[, n | partitioner]) -> (k, tuple<vector<V>, vector<W1>, vector<W2>>).
  /// Every key of any side appears once; a side without the key has an empty vector.
  template <class Other, class Part = std::size_t>
    requires(!detail::RDDLike<Part>)
  auto cogroup(const Other& other, Part part = 0) const {
    return cogrouped(part, other);
  }
  template <class Other1, class Other2, class Part = std::size_t>
    requires detail::RDDLike<Other2>
  auto cogroup(const Other1& other1, const Other2& other2, Part part = 0) const {
    return cogrouped(part, other1, other2);
  }

  /// subtractByKey(other[, n | partitioner]): the elements whose key is not in other. By
  /// default partitioned as this RDD: its partitioner, else HashPartitioner(its partitions).
  template <class Other, class Part = std::size_t>
  auto subtractByKey(const Other& other, Part part = 0) const {
    using T = typename D::value_type;
    static_assert(detail::sameKeys<T, typename Other::value_type>(),
                  "rill: subtractByKey needs two RDDs of key/value pairs with the same key type");
    if constexpr (detail::sameKeys<T, typename Other::value_type>())
      if constexpr (detail::checkKeyed<T, Part>()) {
        using K = owned_key_t<key_of_t<T>>;
        const auto p = detail::choosePartitioner(part, "subtractByKey", [&] { return detail::ownPartitioner<K>(d()); });
        const auto hash = detail::hasherFrom<hasher_of_t<Part>>(p);
        auto parts = detail::coPartitioned(d(), other, "subtractByKey", p, [&](auto& left, auto& right) {
          return detail::withoutMatches(left, right, detail::RowKey{}, hash);
        });
        return detail::keyedRDD<detail::row_t<T>>(d().context(), std::move(parts), p);
      }
  }

 private:
  template <bool KeepLeft, bool KeepRight, class Other, class Part>
  auto joined(const Other& other, const Part& part) const {
    using T = typename D::value_type;
    static_assert(detail::sameKeys<T, typename Other::value_type>(),
                  "rill: join, leftOuterJoin, rightOuterJoin and fullOuterJoin need two RDDs of key/value pairs "
                  "with the same key type");
    if constexpr (detail::sameKeys<T, typename Other::value_type>())
      if constexpr (detail::checkKeyed<T, Part>()) {
        constexpr const char* tag = KeepLeft ? (KeepRight ? "fullOuterJoin" : "leftOuterJoin")
                                             : (KeepRight ? "rightOuterJoin" : "join");
        const auto p = detail::rddPartitioner(part, tag, d(), other);
        const auto hash = detail::hasherFrom<hasher_of_t<Part>>(p);
        auto parts = detail::coPartitioned(d(), other, tag, p, [&](auto& left, auto& right) {
          return detail::joinPartition<KeepLeft, KeepRight>(left, right, hash);
        });
        using Out = typename decltype(parts)::value_type::value_type;
        return detail::keyedRDD<Out>(d().context(), std::move(parts), p);
      }
  }

  /// cogroup of this RDD with others..., all with this RDD's key type.
  template <class Part, class... Others>
  auto cogrouped(const Part& part, const Others&... others) const {
    using T = typename D::value_type;
    constexpr bool ok = (detail::sameKeys<T, typename Others::value_type>() && ...);
    static_assert(ok, "rill: cogroup needs RDDs of key/value pairs with the same key type");
    if constexpr (ok)
      if constexpr (detail::checkKeyed<T, Part>()) {
        using Groups =
            typename detail::CogroupValues<mapped_of_t<T>, mapped_of_t<typename Others::value_type>...>::type;
        return detail::cogroup<Groups>(part, d(), others...);
      }
  }
};

}  // namespace rill
