#pragma once
// Actions on RDDs of numbers: sum, mean, stats (Spark's DoubleRDDFunctions).
#include <rill/core/errors.hpp>
#include <rill/core/java_double.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/show.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

namespace rill {

/// count, mean, variance, min and max in one pass, mergeable across partitions
/// (Spark's StatCounter; stdev is the population standard deviation, as Spark's).
/// The arithmetic is Spark's, so the same partitions merged in the same order give
/// the same bits. Empty, it has mean 0 and sum 0, NaN variances, max -Infinity and
/// min +Infinity; a NaN element makes max and min NaN (Java's Math.max/min).
class StatCounter {
 public:
  template <class X>
  void add(X x) {
    const double v = static_cast<double>(x);
    ++n_;
    const double delta = v - mu_;
    mu_ += delta / static_cast<double>(n_);
    m2_ += delta * (v - mu_);
    max_ = detail::javaMax(max_, v);
    min_ = detail::javaMin(min_, v);
  }
  void merge(const StatCounter& o);
  std::int64_t count() const { return n_; }
  double mean() const { return mu_; }
  double sum() const { return mu_ * static_cast<double>(n_); }
  double max() const { return max_; }
  double min() const { return min_; }
  double variance() const { return n_ ? m2_ / static_cast<double>(n_) : std::numeric_limits<double>::quiet_NaN(); }
  double sampleVariance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  double stdev() const { return std::sqrt(variance()); }
  double sampleStdev() const { return std::sqrt(sampleVariance()); }
  /// Spark's explicit names for variance() and stdev() (dividing by count).
  double popVariance() const { return variance(); }
  double popStdev() const { return stdev(); }
  /// Spark's layout: (count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)
  std::string toString() const;

 private:
  std::int64_t n_ = 0;
  double mu_ = 0, m2_ = 0;
  double max_ = -std::numeric_limits<double>::infinity();
  double min_ = std::numeric_limits<double>::infinity();
};

/// The type sum() accumulates in: 64-bit for integers (so 10^7 ints don't
/// overflow), double for floating point.
template <class T>
using sum_t = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>>;

namespace detail {
template <class S>
struct SumSink {
  S s{};
  template <class X>
  bool push(X x) {
    s += static_cast<S>(x);
    return true;
  }
  bool finish() { return true; }
  S result() && { return s; }
};
struct StatSink {
  StatCounter st;
  template <class X>
  bool push(X x) {
    st.add(x);
    return true;
  }
  bool finish() { return true; }
  StatCounter result() && { return st; }
};
}  // namespace detail

template <class D>
class NumericOps {
  const D& d() const { return static_cast<const D&>(*this); }

  static constexpr void requireNumber() {
    static_assert(std::is_arithmetic_v<typename D::value_type>, "rill: sum/mean/stats need an RDD of numbers");
  }

 public:
  auto sum() const {
    requireNumber();
    using S = sum_t<typename D::value_type>;
    S total{};
    for (auto s : detail::runPerPartition(d(), "sum", [](std::size_t) { return detail::SumSink<S>{}; })) total += s;
    return total;
  }

  /// One StatCounter per partition, merged in partition order. Throws
  /// UnsupportedOperationException on an RDD without partitions (Spark reduces
  /// the partitions' counters); an empty RDD with partitions has count 0.
  StatCounter stats() const {
    requireNumber();
    auto parts = detail::runPerPartition(d(), "stats", [](std::size_t) { return detail::StatSink{}; });
    if (parts.empty()) throw UnsupportedOperationException("rill: stats() on an RDD without partitions: empty collection");
    StatCounter total;
    for (auto& s : parts) total.merge(s);
    return total;
  }

  /// The mean; 0 on an empty RDD, as Spark's.
  double mean() const { return stats().mean(); }
  double stdev() const { return stats().stdev(); }
  double variance() const { return stats().variance(); }
  /// The sample standard deviation / variance (dividing by count - 1); NaN below two elements.
  double sampleStdev() const { return stats().sampleStdev(); }
  double sampleVariance() const { return stats().sampleVariance(); }
  /// Spark's explicit names for variance() and stdev() (dividing by count).
  double popVariance() const { return stats().popVariance(); }
  double popStdev() const { return stats().popStdev(); }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void StatCounter::merge(const StatCounter& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  // Spark's three ways to the merged mean (the smaller side's share when one side is
  // over ten times the other, else the weighted mean), kept for identical results.
  const double delta = o.mu_ - mu_;
  const double n = static_cast<double>(n_), on = static_cast<double>(o.n_);
  const double total = static_cast<double>(n_ + o.n_);
  if (o.n_ * 10 < n_)
    mu_ = mu_ + (delta * on) / total;
  else if (n_ * 10 < o.n_)
    mu_ = o.mu_ - (delta * n) / total;
  else
    mu_ = (mu_ * n + o.mu_ * on) / total;
  m2_ += o.m2_ + (delta * delta * n * on) / total;
  n_ += o.n_;
  max_ = detail::javaMax(max_, o.max_);
  min_ = detail::javaMin(min_, o.min_);
}

RILL_RUNTIME std::string StatCounter::toString() const {
  return formatted([&](std::ostream& os) {
    const auto field = [&os](const char* name, double x) {
      os << ", " << name << ": ";
      detail::showJavaFixed(os, x, 6);  // Scala's "%f"
    };
    os << "(count: " << n_;
    field("mean", mean());
    field("stdev", stdev());
    field("max", max_);
    field("min", min_);
    os << ")";
  });
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
