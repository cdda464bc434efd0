#pragma once
// Actions on RDDs of numbers: sum, mean, stats (Spark's DoubleRDDFunctions).
#include <rill/core/runtime.hpp>
#include <rill/core/show.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

namespace rill {

/// count, mean, variance, min and max in one pass, mergeable across partitions
/// (Spark's StatCounter; stdev is the population standard deviation, as Spark's).
class StatCounter {
 public:
  template <class X>
  void add(X x) {
    const double v = static_cast<double>(x);
    ++n_;
    const double delta = v - mu_;
    mu_ += delta / static_cast<double>(n_);
    m2_ += delta * (v - mu_);
    max_ = std::max(max_, v);
    min_ = std::min(min_, v);
  }
  void merge(const StatCounter& o);
  std::int64_t count() const { return n_; }
  double mean() const { return n_ ? mu_ : std::numeric_limits<double>::quiet_NaN(); }
  double sum() const { return mu_ * static_cast<double>(n_); }
  double max() const { return max_; }
  double min() const { return min_; }
  double variance() const { return n_ ? m2_ / static_cast<double>(n_) : std::numeric_limits<double>::quiet_NaN(); }
  double sampleVariance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  double stdev() const { return std::sqrt(variance()); }
  double sampleStdev() const { return std::sqrt(sampleVariance()); }
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

  StatCounter stats() const {
    requireNumber();
    StatCounter total;
    for (auto& s : detail::runPerPartition(d(), "stats", [](std::size_t) { return detail::StatSink{}; })) total.merge(s);
    return total;
  }

  /// The mean; NaN on an empty RDD, as Spark's.
  double mean() const { return stats().mean(); }
  double stdev() const { return stats().stdev(); }
  double variance() const { return stats().variance(); }
  /// The sample standard deviation / variance (dividing by count - 1); NaN below two elements.
  double sampleStdev() const { return stats().sampleStdev(); }
  double sampleVariance() const { return stats().sampleVariance(); }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void StatCounter::merge(const StatCounter& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  const double delta = o.mu_ - mu_;
  const double n = static_cast<double>(n_ + o.n_);
  mu_ += delta * static_cast<double>(o.n_) / n;
  m2_ += o.m2_ + delta * delta * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
  n_ += o.n_;
  max_ = std::max(max_, o.max_);
  min_ = std::min(min_, o.min_);
}

RILL_RUNTIME std::string StatCounter::toString() const {
  return formatted([&](std::ostream& os) {
    os.setf(std::ios::fixed);
    os.precision(6);
    os << "(count: " << n_ << ", mean: " << mean() << ", stdev: " << stdev() << ", max: " << max_ << ", min: " << min_
       << ")";
  });
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
