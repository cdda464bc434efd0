#pragma once
// sortByKey and sortBy. A sample of the keys fixes the bounds of key ranges
// (Spark's RangePartitioner); every element goes to the partition of its
// range, and the partitions sort in parallel. All keys of partition i precede
// those of partition i+1, so the output is ordered across partitions.
#include <rill/core/java_double.hpp>
#include <rill/core/random.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {
/// The order a sort's comparator stands for. The default, std::less<>, orders floating
/// point keys as Spark's Ordering.Double (Java's Double.compare: NaN above +Infinity,
/// -0.0 below 0.0), also inside pair and tuple keys (NaturalLess), since < leaves NaN
/// unordered and would leave the sort unsorted.
template <class Less>
const Less& keyOrder(const Less& less) {
  return less;
}
inline NaturalLess keyOrder(const std::less<>&) { return {}; }
}  // namespace detail

/// Spark's RangePartitioner over `bounds`, ordered by `less` (std::less<>: as detail::keyOrder
/// says): ascending, partition i holds the keys k with bounds[i-1] < k <= bounds[i]; descending,
/// those keys are in partition bounds.size() - i (the bounds stay in `less` order, as Spark's).
/// numPartitions() is bounds.size() + 1.
template <class K, class Less = std::less<>>
class RangePartitioner {
 public:
  explicit RangePartitioner(std::vector<K> bounds, Less less = Less(), bool ascending = true)
      : bounds_(std::make_shared<const std::vector<K>>(std::move(bounds))), less_(std::move(less)),
        ascending_(ascending) {}
  std::size_t numPartitions() const { return bounds_->size() + 1; }
  template <class KK>
  std::size_t getPartition(const KK& key) const {
    const auto range = static_cast<std::size_t>(
        std::lower_bound(bounds_->begin(), bounds_->end(), key, detail::keyOrder(less_)) - bounds_->begin());
    return ascending_ ? range : bounds_->size() - range;
  }
  const std::vector<K>& bounds() const { return *bounds_; }
  const Less& comparator() const { return less_; }
  bool ascending() const { return ascending_; }
  /// Equal bounds and direction (keys without == never compare equal).
  friend bool operator==(const RangePartitioner& a, const RangePartitioner& b) {
    if constexpr (std::equality_comparable<K>)
      return a.ascending_ == b.ascending_ && a.bounds() == b.bounds();
    else
      return false;
  }

 private:
  std::shared_ptr<const std::vector<K>> bounds_;  // shared: the partitioner is copied into every writer
  [[no_unique_address]] Less less_;
  bool ascending_;
};

namespace detail {

/// `less` with its arguments swapped: a descending sort is an ascending one by Reversed.
template <class Less>
struct Reversed {
  Less less;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return less(b, a);
  }
};

/// A uniform sample of up to `capacity` keys of one partition, and its element
/// count (reservoir sampling, Li's Algorithm L: one random draw per *replaced*
/// key, not per element).
template <class K>
struct KeySampleSink {
  std::size_t capacity;
  SplitMix64 rng;
  std::vector<K> sample;
  std::int64_t seen = 0;
  std::int64_t nextPick = 0;  // 0-based index of the next element to take
  double w = 0;

  template <class X>
  bool push(X&& x) {
    if (sample.size() < capacity) {
      sample.emplace_back(std::get<0>(std::forward<X>(x)));
      if (sample.size() == capacity) {
        w = std::exp(std::log(uniform()) / static_cast<double>(capacity));
        skip();
      }
    } else if (seen == nextPick) {
      sample[rng.below(capacity)] = K(std::get<0>(std::forward<X>(x)));
      w *= std::exp(std::log(uniform()) / static_cast<double>(capacity));
      skip();
    }
    ++seen;
    return true;
  }
  bool finish() { return true; }
  std::pair<std::int64_t, std::vector<K>> result() && { return {seen, std::move(sample)}; }

 private:
  double uniform() { return 1.0 - rng.uniform(); }  // (0, 1]
  void skip() {
    const double gap = std::floor(std::log(uniform()) / std::log1p(-w));
    const double far = static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2);
    nextPick = seen + 1 + (gap < far ? static_cast<std::int64_t>(gap) : static_cast<std::int64_t>(far));
  }
};

/// Spark's RangePartitioner.determineBounds: weighted quantiles of the samples
/// (a key sampled from a partition of c elements with s samples weighs c/s; a
/// bound is the key whose cumulative weight first reaches a multiple of the
/// total / n, n at most the number of samples), skipping duplicate bounds, so a few
/// distinct keys give fewer partitions.
/// The weights are floats summed in key order and a bound is taken at >=, as Spark's,
/// so that where every key is sampled (weight 1) the bounds are Spark's, ties included.
template <class K, class Cmp>
std::vector<K> rangeBounds(std::vector<std::pair<std::int64_t, std::vector<K>>>& samples, std::size_t n,
                           const Cmp& cmp) {
  std::vector<std::pair<K*, float>> candidates;
  for (auto& [count, keys] : samples) {
    if (keys.empty()) continue;
    const auto weight = static_cast<float>(static_cast<double>(count) / static_cast<double>(keys.size()));
    for (auto& k : keys) candidates.emplace_back(&k, weight);
  }
  std::stable_sort(candidates.begin(), candidates.end(),  // stable, as Scala's sortBy: equal keys sum alike
                   [&](const auto& a, const auto& b) { return cmp(*a.first, *b.first); });
  double total = 0;
  for (const auto& candidate : candidates) total += static_cast<double>(candidate.second);
  std::vector<K> bounds;
  // Spark asks for at most as many partitions as there are candidates: 3 keys into 22 give 3.
  n = std::min(n, candidates.size());
  if (n == 0) return bounds;
  const double step = total / static_cast<double>(n);
  double cumulative = 0, target = step;
  for (std::size_t i = 0; i < candidates.size() && bounds.size() + 1 < n; ++i) {
    cumulative += static_cast<double>(candidates[i].second);
    if (cumulative < target) continue;
    const K& key = *candidates[i].first;
    if (bounds.empty() || cmp(bounds.back(), key)) {
      bounds.push_back(key);
      target += step;
    }
  }
  return bounds;
}

/// Samples the keys of a pair RDD (one job, as Spark's sortByKey) and returns the
/// range partitioner for about n partitions by less, ascending or not.
template <class R, class Less>
auto sampleRangePartitioner(const R& rdd, std::string_view tag, std::size_t n, const Less& less, bool ascending) {
  using K = owned_key_t<key_of_t<typename R::value_type>>;
  // Spark samples 20 keys per target partition; 100 costs little more (Algorithm L
  // draws per taken key, not per element) and keeps partitions within a few percent
  // of each other, which is what a parallel sort waits on.
  const std::size_t sampleSize = std::min<std::size_t>(100 * n, 1'000'000);
  const std::size_t inputs = std::max<std::size_t>(rdd.numPartitions(), 1);
  const std::size_t perPartition = (3 * sampleSize + inputs - 1) / inputs;
  auto samples = runPerPartition(rdd, tag, [&](std::size_t p) {
    return KeySampleSink<K>{std::max<std::size_t>(perPartition, 1), SplitMix64(0x5EED, p), {}};
  });
  return RangePartitioner<K, Less>(rangeBounds(samples, n, keyOrder(less)), less, ascending);
}

/// The elements of a pair RDD in range partitions by key, each partition sorted
/// by key (by less, or reversed) and then handed to finish(rows) -> std::vector<Out>.
/// With several ranks every rank receives every sample, so all compute the same bounds.
template <class R, class Less, class Finish>
auto sortByKey(const R& rdd, std::string_view tag, std::size_t n, const Less& less, bool ascending, Finish finish) {
  const auto part =
      sampleRangePartitioner(rdd, tag, n ? n : std::max<std::size_t>(rdd.numPartitions(), 1), less, ascending);
  using Row = row_t<typename R::value_type>;
  auto parts = partitionRows(rdd, tag, part, [&](std::vector<Row> rows) {
    const auto byKey = [&](const auto& cmp) {
      std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return cmp(a.first, b.first); });
    };
    const auto order = keyOrder(less);
    if (ascending)
      byKey(order);
    else
      byKey(Reversed<std::remove_const_t<decltype(order)>>{order});
    return finish(std::move(rows));
  });
  return std::pair(std::move(parts), part);
}

}  // namespace detail
}  // namespace rill
