#pragma once
// Java's rules for doubles, where Spark's results follow them and IEEE's < or
// std::max would not: Double.compare's total order (-0.0 below 0.0, NaN above
// +Infinity, all NaNs equal) and Math.max / Math.min (a NaN wins, -0.0 is the
// smaller zero).
#include <cmath>
#include <concepts>
#include <type_traits>

namespace rill::detail {

/// java.lang.Double.compare(a, b): -1, 0 or 1.
inline int javaCompare(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  const bool nanA = std::isnan(a), nanB = std::isnan(b);
  if (nanA || nanB) return static_cast<int>(nanA) - static_cast<int>(nanB);
  return static_cast<int>(std::signbit(b)) - static_cast<int>(std::signbit(a));  // equal but for a zero's sign
}

/// java.lang.Math.max(a, b).
inline double javaMax(double a, double b) {
  if (std::isnan(a)) return a;
  if (std::isnan(b)) return b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

/// java.lang.Math.min(a, b).
inline double javaMin(double a, double b) {
  if (std::isnan(a)) return a;
  if (std::isnan(b)) return b;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

/// The order Spark's implicit Ordering gives an element: < for everything but
/// floating point, which orders by Double.compare (as Scala's Ordering.Double).
struct NaturalLess {
  // Constrained, so that a type without < is not a strict_weak_order and the
  // operation's own static_assert says so.
  template <class A, class B>
    requires(std::is_floating_point_v<A> && std::is_floating_point_v<B>) ||
            requires(const A& a, const B& b) {
              { a < b } -> std::convertible_to<bool>;
            }
  bool operator()(const A& a, const B& b) const {
    if constexpr (std::is_floating_point_v<A> && std::is_floating_point_v<B>)
      return javaCompare(static_cast<double>(a), static_cast<double>(b)) < 0;
    else
      return a < b;
  }
};

}  // namespace rill::detail
