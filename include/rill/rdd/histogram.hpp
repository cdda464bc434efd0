#pragma once
// histogram on RDDs of numbers, as Spark's DoubleRDDFunctions.histogram: bucket
// i counts the elements in [buckets[i], buckets[i+1]), the last bucket also
// its upper bound; elements outside [first, last] are not counted. Elements and
// buckets compare as Java's Double.compare (-0.0 below 0.0, NaN above
// +Infinity), so NaNs are counted only in a last bucket ending at NaN; evenly
// spaced buckets use Spark's arithmetic, which compares by IEEE's < instead.
#include <rill/core/errors.hpp>
#include <rill/core/java_double.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// The bucket of e, or -1: by binary search, or for evenly spaced buckets
/// (Spark's evenBuckets) by arithmetic.
struct BucketOf {
  const std::vector<double>* buckets;
  bool even;
  std::ptrdiff_t operator()(double e) const { return even ? byArithmetic(e) : bySearch(e); }

 private:
  /// Spark's basicBucketFunction: java.util.Arrays.binarySearch, step for step.
  std::ptrdiff_t bySearch(double e) const {
    const auto& b = *buckets;
    const auto size = static_cast<std::ptrdiff_t>(b.size());
    std::ptrdiff_t low = 0, high = size - 1;
    while (low <= high) {
      const std::ptrdiff_t mid = (low + high) / 2;
      const int c = javaCompare(b[static_cast<std::size_t>(mid)], e);
      if (c == 0) return mid < size - 1 ? mid : mid - 1;  // a bucket's start; the last bound closes the last one
      if (c < 0)
        low = mid + 1;
      else
        high = mid - 1;
    }
    return low > 0 && low < size ? low - 1 : -1;  // low: where e would be inserted
  }
  /// Spark's fastBucketFunction: the ratio first, for precision; e == max belongs to
  /// the last bucket, and a NaN ratio (e.g. buckets {x, x}, or an infinite bound)
  /// is bucket 0, as Java's (int) cast makes it.
  std::ptrdiff_t byArithmetic(double e) const {
    const auto& b = *buckets;
    const double lo = b.front(), hi = b.back();
    const auto count = static_cast<std::ptrdiff_t>(b.size()) - 1;
    if (std::isnan(e) || e < lo || e > hi) return -1;
    const double at = (e - lo) / (hi - lo) * static_cast<double>(count);
    if (std::isnan(at)) return 0;
    return at < static_cast<double>(count) ? static_cast<std::ptrdiff_t>(at) : count - 1;
  }
};

struct HistogramSink {
  BucketOf bucketOf;
  std::vector<std::int64_t> counts;
  template <class X>
  bool push(X x) {
    const std::ptrdiff_t i = bucketOf(static_cast<double>(x));
    if (i >= 0) ++counts[static_cast<std::size_t>(i)];
    return true;
  }
  bool finish() { return true; }
  std::vector<std::int64_t> result() && { return std::move(counts); }
};

/// The smallest and largest element of a partition ((+inf, -inf) when empty), by
/// Java's Math.min/max as Spark's: a NaN makes both NaN, and -0.0 is below 0.0.
struct MinMaxSink {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  template <class X>
  bool push(X x) {
    merge(static_cast<double>(x), static_cast<double>(x));
    return true;
  }
  void merge(double otherLo, double otherHi) {
    lo = javaMin(lo, otherLo);
    hi = javaMax(hi, otherHi);
  }
  bool finish() { return true; }
  std::pair<double, double> result() && { return {lo, hi}; }
};

/// Spark's customRange: min + i * (max - min) / count for i < count, then max itself.
RILL_RUNTIME std::vector<double> evenBuckets(double lo, double hi, std::size_t count);

/// Throws unless buckets has at least two entries, strictly increasing by Double.compare
/// (so no duplicates, and a NaN only as the last one, where it counts the NaNs).
RILL_RUNTIME void checkBuckets(const std::vector<double>& buckets);

}  // namespace detail

template <class D>
class HistogramOps {
  const D& d() const { return static_cast<const D&>(*this); }

  static constexpr void requireNumber() {
    static_assert(std::is_arithmetic_v<typename D::value_type>, "rill: histogram needs an RDD of numbers");
  }

 public:
  /// histogram(buckets[, evenBuckets]): counts per bucket [buckets[i], buckets[i+1])
  /// (the last one closed). `buckets`: sorted, no duplicates, at least two; a last
  /// bucket bound of NaN counts the NaNs too. evenBuckets = true says they are
  /// evenly spaced (counted without a search).
  std::vector<std::int64_t> histogram(const std::vector<double>& buckets, bool evenBuckets = false) const {
    requireNumber();
    detail::checkBuckets(buckets);
    return countIn(buckets, evenBuckets);
  }

  /// histogram(bucketCount): bucketCount even buckets between the smallest and the largest
  /// element (one bucket [x, x] when they are equal), and their counts.
  std::pair<std::vector<double>, std::vector<std::int64_t>> histogram(std::size_t bucketCount) const {
    requireNumber();
    if (bucketCount == 0) throw std::invalid_argument("rill: histogram: Number of buckets must be >= 1, but got 0");
    detail::MinMaxSink all;
    for (auto [lo, hi] : detail::runPerPartition(d(), "histogram", [](std::size_t) { return detail::MinMaxSink{}; })) {
      all.merge(lo, hi);
    }
    if (std::isnan(all.lo) || std::isnan(all.hi) || std::isinf(all.lo) || std::isinf(all.hi))
      throw UnsupportedOperationException(
          "rill: histogram on either an empty RDD or RDD containing +/-infinity or NaN");
    auto buckets = detail::evenBuckets(all.lo, all.hi, bucketCount);
    auto counts = countIn(buckets, true);  // buckets {x, x} when min == max: not a valid argument, counted all the same
    return {std::move(buckets), std::move(counts)};
  }

 private:
  std::vector<std::int64_t> countIn(const std::vector<double>& buckets, bool evenBuckets) const {
    const detail::BucketOf bucketOf{&buckets, evenBuckets};
    std::vector<std::int64_t> total(buckets.size() - 1, 0);
    auto parts = detail::runPerPartition(d(), "histogram", [&](std::size_t) {
      return detail::HistogramSink{bucketOf, std::vector<std::int64_t>(total.size(), 0)};
    });
    for (const auto& part : parts)
      for (std::size_t i = 0; i < part.size(); ++i) total[i] += part[i];
    return total;
  }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::vector<double> detail::evenBuckets(double lo, double hi, std::size_t count) {
  if (lo == hi) return {lo, lo};
  std::vector<double> out;
  out.reserve(count + 1);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(lo + static_cast<double>(i) * (hi - lo) / static_cast<double>(count));
  out.push_back(hi);
  return out;
}

RILL_RUNTIME void detail::checkBuckets(const std::vector<double>& buckets) {
  if (buckets.size() < 2)
    throw std::invalid_argument("rill: histogram: buckets array must have at least two elements");
  for (std::size_t i = 1; i < buckets.size(); ++i)
    if (javaCompare(buckets[i - 1], buckets[i]) >= 0)
      throw std::invalid_argument("rill: histogram: buckets must be sorted and must not contain duplicates");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
