#pragma once
// Actions: they run the fused chain of every partition in parallel on the
// executor and combine the per-partition results on the caller's thread. With
// several ranks each rank runs its own partitions and every rank receives every
// result (jobs.hpp), so every rank returns the same value, combined in
// partition order as one process combines it.
#include <rill/core/concepts.hpp>
#include <rill/core/counts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/java_double.hpp>
#include <rill/fuse/sink.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/conf_values.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// `less` orders T as takeOrdered, top, min and max need.
template <class Less, class T>
concept OrdersBy = std::strict_weak_order<const Less&, const T&, const T&>;

template <class T>
struct CollectSink {
  std::vector<T> out;
  template <class X>
  bool push(X&& x) {
    out.emplace_back(std::forward<X>(x));
    return true;
  }
  bool finish() { return true; }
  std::vector<T> result() && { return std::move(out); }
};

/// Folds a partition into an accumulator: acc = step(acc, x).
template <class Acc, class Step>
struct FoldSink {
  Acc acc;
  const Step* step;
  template <class X>
  bool push(X&& x) {
    acc = (*step)(std::move(acc), std::forward<X>(x));
    return true;
  }
  bool finish() { return true; }
  Acc result() && { return std::move(acc); }
};

/// A sink whose push tests a flag until its first element (reduce's "holds a
/// value yet?"). The loops pushing into it run in two parts: until primed(),
/// then the rest, each push preceded by setPrimed() (a store of what the flag
/// already holds, which shows the compiler its value, so the test folds away
/// and reduce costs what fold does).
template <class S>
concept PrimingSink = requires(S& s) {
  { s.primed() } -> std::convertible_to<bool>;
  s.setPrimed();
};

/// Reduces a partition with f, empty partitions giving nullopt. The accumulator
/// and its "holds a value" flag are plain members, as FoldSink's: the fused loop
/// keeps them in registers, where an std::optional's union stays in memory.
template <class T, class F>
struct ReduceSink {
  const F* f;
  T acc{};
  bool any = false;
  template <class X>
  bool push(X&& x) {
    if (any) [[likely]] {
      acc = (*f)(std::move(acc), std::forward<X>(x));
    } else {
      acc = std::forward<X>(x);
      any = true;
    }
    return true;
  }
  bool finish() { return true; }
  bool primed() const { return any; }
  void setPrimed() { any = true; }
  std::optional<T> result() && { return any ? std::optional<T>(std::move(acc)) : std::nullopt; }
};
/// A T without a default value waits in an std::optional.
template <class T, class F>
  requires(!std::is_default_constructible_v<T>)
struct ReduceSink<T, F> {
  const F* f;
  std::optional<T> acc = std::nullopt;
  template <class X>
  bool push(X&& x) {
    if (acc)
      *acc = (*f)(std::move(*acc), std::forward<X>(x));
    else
      acc.emplace(std::forward<X>(x));
    return true;
  }
  bool finish() { return true; }
  std::optional<T> result() && { return std::move(acc); }
};

/// Two partial results of reduce(f) merged (nullopt: an empty partition).
template <class T, class F>
std::optional<T> mergeReduced(const F& f, std::optional<T> a, std::optional<T> b) {
  if (!a) return b;
  if (b) *a = f(std::move(*a), std::move(*b));
  return a;
}

/// Keeps the n smallest elements by `less` seen so far (a bounded max-heap).
template <class T, class Less>
struct BoundedHeapSink {
  std::size_t n;
  Less less;
  std::vector<T> heap;
  template <class X>
  bool push(X&& x) {
    if (heap.size() < n) {
      heap.emplace_back(std::forward<X>(x));
      std::push_heap(heap.begin(), heap.end(), less);
    } else if (n > 0 && less(x, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), less);
      heap.back() = std::forward<X>(x);
      std::push_heap(heap.begin(), heap.end(), less);
    }
    return true;
  }
  bool finish() { return true; }
  std::vector<T> result() && { return std::move(heap); }
};

template <class T>
struct CountByValueSink {
  std::unordered_map<T, std::int64_t, MapHash<T>> counts;
  template <class X>
  bool push(X&& x) {
    ++counts[std::forward<X>(x)];
    return true;
  }
  bool finish() { return true; }
  std::unordered_map<T, std::int64_t, MapHash<T>> result() && { return std::move(counts); }
};

/// Up to n elements of one partition, then asks the producer to stop.
template <class T>
struct PrefixSink {
  std::size_t n;
  std::vector<T> out;
  template <class X>
  bool push(X&& x) {
    out.emplace_back(std::forward<X>(x));
    return out.size() < n;
  }
  bool finish() { return true; }
  std::vector<T> result() && { return std::move(out); }
};

/// Moves `part`'s elements to the end of `out` until `out` holds n.
template <class T>
void appendUpTo(std::vector<T>& out, std::vector<T>&& part, std::size_t n) {
  for (auto& x : part) {
    if (out.size() == n) return;
    out.push_back(std::move(x));
  }
}

/// How take() grows its rounds, Spark's settings: the first round scans
/// spark.rdd.limit.initialNumPartitions (1), a later one at most
/// spark.rdd.limit.scaleUpFactor (4, at least 2) times the partitions scanned so far.
struct TakeGrowth {
  std::size_t initial;
  std::size_t scaleUp;
};

inline TakeGrowth takeGrowth(const SparkConf& conf) {
  const long long scaleUp = conf.getLong(std::string(kTakeScaleUpSetting), 4);
  return {confPositive(conf, std::string(kTakeInitialPartitionsSetting), 1),
          static_cast<std::size_t>(std::max(scaleUp, 2LL))};
}

/// Spark's RDD.take: how many partitions the next round scans, after `scanned`
/// partitions gave `found` of the n wanted (found < n). None found: scaleUp times
/// as many; else 1.5 times the partitions the rest should need at the rate so far,
/// ceil(1.5 * (n - found) * scanned / found), capped at that. The estimate is a
/// double, as Spark's, and the cap saturates, so no n (SIZE_MAX too) overflows.
inline std::size_t partitionsToTry(const TakeGrowth& growth, std::size_t n, std::size_t found, std::size_t scanned) {
  if (scanned == 0) return growth.initial;
  constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
  const std::size_t cap = scanned > most / growth.scaleUp ? most : scanned * growth.scaleUp;
  if (found == 0) return cap;
  const double estimate = std::ceil(1.5 * static_cast<double>(n - found) * static_cast<double>(scanned) /
                                    static_cast<double>(found));
  return estimate < static_cast<double>(cap) ? static_cast<std::size_t>(estimate) : cap;
}

/// take(n): rounds of partitions, each rank running its own in a round (one
/// rank all of them, in parallel), until n elements are in hand, grown as
/// partitionsToTry says. Every rank sees every round's results, so all take
/// the same rounds and return the first n elements in partition order.
template <class T, class R>
std::vector<T> takeInRounds(const R& rdd, std::size_t n) {
  std::vector<T> out;
  const std::size_t total = rdd.numPartitions();
  if (n == 0 || total == 0) return out;
  const TakeGrowth growth = takeGrowth(rdd.context().getConf());
  std::size_t scanned = 0;
  while (out.size() < n && scanned < total) {
    const std::size_t to = scanned + std::min(partitionsToTry(growth, n, out.size(), scanned), total - scanned);
    const std::size_t want = n - out.size();
    auto parts = runPartitions(rdd, "take", scanned, to, [want](std::size_t) { return PrefixSink<T>{want, {}}; });
    for (auto& part : parts) appendUpTo(out, std::move(part), n);
    scanned = to;
  }
  return out;
}

struct CountSink {
  std::int64_t n = 0;
  template <class X>
  bool push(X&&) {
    ++n;
    return true;
  }
  bool finish() { return true; }
  std::int64_t result() && { return n; }
};

}  // namespace detail

template <class D>
class ActionOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// All elements, partition by partition, in order.
  auto collect() const {
    using T = typename D::value_type;
    auto parts = detail::runPerPartition(d(), "collect", [](std::size_t) { return detail::CollectSink<T>{}; });
    std::size_t total = 0;
    for (auto& p : parts) total += p.size();
    std::vector<T> out;
    out.reserve(total);
    for (auto& p : parts) std::move(p.begin(), p.end(), std::back_inserter(out));
    return out;
  }

  std::int64_t count() const {
    auto counts = detail::runPerPartition(d(), "count", [](std::size_t) { return detail::CountSink{}; });
    std::int64_t total = 0;
    for (auto c : counts) total += c;
    return total;
  }

  /// The first n elements. Scans partitions in rounds, as Spark's take, each
  /// partition only until it has given what is still missing, and stops as soon
  /// as it has n, so take(5) over a range of 10^12 elements returns at once. The
  /// rounds are the same on any number of ranks: so are the partitions computed.
  /// As Spark's, take(n) for n <= 0 returns nothing.
  template <std::integral N>
  auto take(N n) const {
    return detail::takeInRounds<typename D::value_type>(d(), detail::atLeastZero(n));
  }

  auto first() const {
    auto one = take(1);
    if (one.empty()) throw UnsupportedOperationException("rill: first() on an empty RDD: empty collection");
    return std::move(one.front());
  }

  bool isEmpty() const { return take(1).empty(); }

  /// The n smallest elements by `less` (default: Spark's ordering, < except
  /// floating point, which orders as Java's Double.compare), in ascending order.
  /// A negative n throws std::invalid_argument.
  template <class Less = detail::NaturalLess, std::integral N>
  auto takeOrdered(N num, Less less = {}) const {
    using T = typename D::value_type;
    const std::size_t n = detail::nonNegativeCount(num, "takeOrdered", "num");
    constexpr bool ordered = detail::OrdersBy<Less, T>;
    static_assert(ordered,
                  "rill: takeOrdered(n, cmp) needs cmp(const T&, const T&) -> bool, a strict weak order "
                  "(the default needs operator< on T)");
    if constexpr (ordered) {
      auto parts = detail::runPerPartition(
          d(), "takeOrdered", [&](std::size_t) { return detail::BoundedHeapSink<T, Less>{n, less, {}}; });
      std::vector<T> all;
      for (auto& p : parts) std::move(p.begin(), p.end(), std::back_inserter(all));
      std::sort(all.begin(), all.end(), less);
      if (all.size() > n) all.resize(n);
      return all;
    }
  }

  /// The n largest elements, in descending order. A negative n throws std::invalid_argument.
  template <class Less = detail::NaturalLess, std::integral N>
  auto top(N num, Less less = {}) const {
    const std::size_t n = detail::nonNegativeCount(num, "top", "num");
    constexpr bool ordered = detail::OrdersBy<Less, typename D::value_type>;
    static_assert(ordered,
                  "rill: top(n, cmp) needs cmp(const T&, const T&) -> bool, a strict weak order "
                  "(the default needs operator< on T)");
    if constexpr (ordered) return takeOrdered(n, [less](const auto& a, const auto& b) { return less(b, a); });
  }

  /// reduce(f): f(T, T) -> T, associative and commutative. Throws on an empty RDD.
  template <class F>
  auto reduce(F f) const {
    using T = typename D::value_type;
    static_assert(ReduceFunction<F, T>,
                  "rill: reduce(f) needs f callable as f(const T&, const T&) returning T, where T is "
                  "the RDD's element type");
    auto parts = detail::runPerPartition(d(), "reduce", [&](std::size_t) { return detail::ReduceSink<T, F>{&f}; });
    std::optional<T> acc;
    for (auto& p : parts) acc = detail::mergeReduced(f, std::move(acc), std::move(p));
    if (!acc) throw UnsupportedOperationException("rill: reduce() on an empty RDD: empty collection");
    return std::move(*acc);
  }

  /// fold(zero, op): like reduce, with `zero` starting every partition and the merge.
  template <class Zero, class F>
  auto fold(const Zero& zeroValue, F op) const {
    using T = typename D::value_type;
    const T zero(zeroValue);
    static_assert(ReduceFunction<F, T>,
                  "rill: fold(zero, op) needs op callable as op(const T&, const T&) returning T");
    auto parts = detail::runPerPartition(d(), "fold", [&](std::size_t) { return detail::FoldSink<T, F>{zero, &op}; });
    T acc = zero;
    for (auto& p : parts) acc = op(std::move(acc), std::move(p));
    return acc;
  }

  /// aggregate(zero, seqOp, combOp): seqOp(U, T) -> U within a partition, combOp(U, U) -> U across.
  template <class U, class Seq, class Comb>
  U aggregate(U zero, Seq seqOp, Comb combOp) const {
    using T = typename D::value_type;
    static_assert(std::is_invocable_r_v<U, const Seq&, U, const T&>,
                  "rill: aggregate(zero, seqOp, combOp) needs seqOp(U, const T&) -> U, with U the type of zero");
    static_assert(ReduceFunction<Comb, U>,
                  "rill: aggregate(zero, seqOp, combOp) needs combOp(const U&, const U&) -> U");
    auto parts =
        detail::runPerPartition(d(), "aggregate", [&](std::size_t) { return detail::FoldSink<U, Seq>{zero, &seqOp}; });
    U acc = zero;
    for (auto& p : parts) acc = combOp(std::move(acc), std::move(p));
    return acc;
  }

  /// foreach(f): f(const T&) on every element, in parallel (with several ranks, on the
  /// rank that owns the element's partition).
  template <class F>
  void foreach(F f) const {
    using T = typename D::value_type;
    static_assert(std::invocable<const F&, const T&>, "rill: foreach(f) needs f callable as f(const T&)");
    detail::forEachPartition(d(), "foreach", [&](std::size_t p) {
      auto sink = fuse::FunctionSink{[&](const auto& x) { f(x); }};
      d().runPartition(p, sink);
    });
  }

  /// foreachPartition(f): f(std::vector<T>& partition) once per partition, in parallel
  /// (with several ranks, on the rank that owns the partition).
  template <class F>
  void foreachPartition(F f) const {
    using T = typename D::value_type;
    static_assert(std::invocable<const F&, std::vector<T>&>,
                  "rill: foreachPartition(f) needs f callable as f(std::vector<T>& partition)");
    detail::forEachPartition(d(), "foreachPartition", [&](std::size_t p) {
      detail::CollectSink<T> sink;
      d().runPartition(p, sink);
      f(sink.out);
    });
  }

  /// countByValue(): how many times each element occurs.
  auto countByValue() const {
    using T = typename D::value_type;
    static_assert(HashableKey<T>, RILL_KEY_HASH_RULE);
    auto parts = detail::runPerPartition(d(), "countByValue", [](std::size_t) { return detail::CountByValueSink<T>{}; });
    std::unordered_map<T, std::int64_t, MapHash<T>> total;
    for (auto& p : parts)
      for (auto& [k, c] : p) total[k] += c;
    return total;
  }

  /// min()/max(), by `less` (default: Spark's ordering, < except floating point,
  /// which orders as Java's Double.compare: NaN largest, -0.0 below 0.0). Throw
  /// on an empty RDD.
  template <class Less = detail::NaturalLess>
  auto min(Less less = {}) const {
    constexpr bool ordered = detail::OrdersBy<Less, typename D::value_type>;
    static_assert(ordered,
                  "rill: min() needs operator< on T, or a comparator min(cmp) with cmp(const T&, const T&) -> bool");
    if constexpr (ordered) return reduce([less](const auto& a, const auto& b) { return less(b, a) ? b : a; });
  }
  template <class Less = detail::NaturalLess>
  auto max(Less less = {}) const {
    constexpr bool ordered = detail::OrdersBy<Less, typename D::value_type>;
    static_assert(ordered,
                  "rill: max() needs operator< on T, or a comparator max(cmp) with cmp(const T&, const T&) -> bool");
    if constexpr (ordered) return reduce([less](const auto& a, const auto& b) { return less(a, b) ? b : a; });
  }
};

}  // namespace rill
