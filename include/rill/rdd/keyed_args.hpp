#pragma once
// The arguments of the keyed operations, checked and read in one place for
// RDDs and DStreams alike (per-batch pair ops, windows, state): the element
// must be a key/value pair, the optional last argument is a number of
// partitions or a partitioner, the keys must hash with that argument's hasher,
// and a count of 0 means the operation's default partitioner (Spark's two
// defaults: an RDD op takes its inputs', a stream op the default parallelism).
#include <rill/core/concepts.hpp>
#include <rill/core/counts.hpp>
#include <rill/core/ref.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/partitioner.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

/// Rejects an element type T that is not a key/value pair, naming the operation:
/// RILL_REQUIRE_PAIRS(T, "reduceByKey needs an RDD") fails with "rill: reduceByKey
/// needs an RDD of key/value pairs (std::pair<K, V> or a 2-tuple)". A macro because
/// a static_assert message must be a string literal.
#define RILL_REQUIRE_PAIRS(T, whoNeedsWhat) \
  static_assert(::rill::PairLike<T>, "rill: " whoNeedsWhat " of key/value pairs (std::pair<K, V> or a 2-tuple)")

namespace rill::detail {

/// Part, the last argument of an operation, can place values of type X: it is a
/// number of partitions or a partitioner of X.
template <class Part, class X>
concept PlacesBy = std::is_integral_v<Part> || PartitionerFor<Part, X>;

/// X hashes with the hasher Part brings (DefaultHash for a number) and compares with ==.
template <class X, class Part>
concept HashesBy = HashableWith<X, hasher_of_t<Part>>;

/// What a keyed operation asks of the keys of its elements T and of its last
/// argument Part. False without a message when T is not a pair (RILL_REQUIRE_PAIRS
/// says so); the instantiation trace names the operation.
template <class T, class Part>
constexpr bool checkKeyed() {
  if constexpr (PairLike<T>) {
    using K = owned_key_t<key_of_t<T>>;
    static_assert(PlacesBy<Part, K>,
                  "rill: the last argument of a keyed operation must be a number of partitions or a partitioner "
                  "(numPartitions() and getPartition(const K&) -> size_t)");
    static_assert(HashesBy<K, Part>, RILL_KEY_HASH_RULE);
    return PlacesBy<Part, K> && HashesBy<K, Part>;
  } else {
    return false;
  }
}

/// The partitioner for a last argument `part` of the operation `op`: a partitioner as
/// it is; a number n > 0 as HashPartitioner(n); 0 as byDefault(), the operation's default.
template <class Part, class Default>
auto choosePartitioner(const Part& part, std::string_view op, Default byDefault) {
  if constexpr (std::is_integral_v<Part>) {
    const std::size_t n = partitionCount(part, op);
    using Chosen = decltype(byDefault());
    return n != 0 ? Chosen(HashPartitioner<>(n)) : byDefault();
  } else {
    return part;
  }
}

/// How many partitions an operation's default HashPartitioner has when none of its
/// inputs brings a partitioner: spark.default.parallelism when set, else `most`, the
/// largest input's partitions (Spark's defaultNumPartitions), so 0 when no input has
/// any: the result of a shuffle of nothing has no partitions, as in Spark.
template <class Context>
std::size_t defaultPartitionCount(Context& sc, std::size_t most) {
  const bool configured = sc.getConf().contains(std::string(kDefaultParallelismSetting));
  return configured ? sc.defaultParallelism() : most;
}

/// The partitioner `rdd` remembers, when it places keys of type K; else null.
template <class K, class R>
Ref<const AnyKeyPartitioner<K>> keyPartitionerOf(const R& rdd) {
  const Ref<const AnyPartitioner> info = rdd.partitioner();
  return Ref<const AnyKeyPartitioner<K>>(dynamic_cast<const AnyKeyPartitioner<K>*>(info.get()));
}

/// Spark's Partitioner.defaultPartitioner for an operation over `rdds` with keys K:
/// of the inputs with a partitioner, the one with the most partitions (the first of
/// those), if it has more than a tenth of the largest input's partitions (their
/// log10 differ by less than 1, as Spark computes it) or at least the default count;
/// else HashPartitioner(the default count): spark.default.parallelism when set,
/// else the largest input's partitions.
template <class K, class R, class... Rs>
ChosenPartitioner<K> defaultPartitioner(const R& rdd, const Rs&... others) {
  Ref<const AnyKeyPartitioner<K>> best;
  std::size_t bestPartitions = 0, most = 0;
  const auto consider = [&](const auto& input) {
    const std::size_t n = input.numPartitions();
    most = std::max(most, n);
    if (best && n <= bestPartitions) return;
    if (auto keyed = keyPartitionerOf<K>(input); keyed && keyed->numPartitions() > 0) {
      best = std::move(keyed);
      bestPartitions = n;
    }
  };
  consider(rdd);
  (consider(others), ...);
  const std::size_t count = defaultPartitionCount(rdd.context(), most);
  const auto log10 = [](std::size_t n) { return std::log10(static_cast<double>(n)); };
  if (best && (log10(most) - log10(bestPartitions) < 1 || count <= bestPartitions))
    return ChosenPartitioner<K>(std::move(best));
  return ChosenPartitioner<K>(HashPartitioner<>(count));
}

/// subtractByKey's default: the RDD's own partitioner, else HashPartitioner(its
/// partitions) (Spark's self.partitioner.getOrElse(new HashPartitioner(self.partitions.length))).
template <class K, class R>
ChosenPartitioner<K> ownPartitioner(const R& rdd) {
  if (auto keyed = keyPartitionerOf<K>(rdd)) return ChosenPartitioner<K>(std::move(keyed));
  return ChosenPartitioner<K>(HashPartitioner<>(rdd.numPartitions()));
}

/// The RDD operation `op`'s partitioner for `part` over its inputs; 0 is defaultPartitioner.
template <class Part, class R, class... Rs>
auto rddPartitioner(const Part& part, std::string_view op, const R& rdd, const Rs&... others) {
  using K = owned_key_t<key_of_t<typename R::value_type>>;
  return choosePartitioner(part, op, [&] { return defaultPartitioner<K>(rdd, others...); });
}

/// The DStream operation `op`'s partitioner for `part`. The default is Spark Streaming's:
/// HashPartitioner(the context's default parallelism).
template <class Part>
auto streamPartitioner(const Part& part, std::string_view op, std::size_t defaultParallelism) {
  return choosePartitioner(part, op, [=] { return HashPartitioner<>(defaultParallelism); });
}

/// The table hasher for partitioner P: the partitioner's own when it has one.
template <class Hash, class P>
Hash hasherFrom(const P& part) {
  if constexpr (requires { Hash(part.hasher()); })
    return Hash(part.hasher());
  else
    return Hash();
}

}  // namespace rill::detail
