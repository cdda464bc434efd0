#pragma once
// Java's rules for doubles, where Spark's results follow them and IEEE's < or
// std::max would not: Double.compare's total order (-0.0 below 0.0, NaN above
// +Infinity, all NaNs equal) and Math.max / Math.min (a NaN wins, -0.0 is the
// smaller zero).
#include <cmath>
#include <concepts>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

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

/// std::pair and std::tuple, which Spark orders member by member (Ordering.Tuple2...).
template <class T>
inline constexpr bool isPairOrTuple = false;
template <class A, class B>
inline constexpr bool isPairOrTuple<std::pair<A, B>> = true;
template <class... Ts>
inline constexpr bool isPairOrTuple<std::tuple<Ts...>> = true;

/// The order Spark's implicit Ordering gives an element: < for everything but
/// floating point, which orders by Double.compare (as Scala's Ordering.Double),
/// also as a member of a pair or tuple (compared member by member, as Scala's
/// Ordering.Tuple2, Tuple3, ...).
struct NaturalLess {
  // Constrained, so that a type without < is not a strict_weak_order and the
  // operation's own static_assert says so.
  template <class A, class B>
    requires(std::is_floating_point_v<A> && std::is_floating_point_v<B>) ||
            requires(const A& a, const B& b) {
              { a < b } -> std::convertible_to<bool>;
            }
  bool operator()(const A& a, const B& b) const {
    if constexpr (std::is_floating_point_v<A> && std::is_floating_point_v<B>) {
      return javaCompare(static_cast<double>(a), static_cast<double>(b)) < 0;
    } else if constexpr (isPairOrTuple<A> && std::is_same_v<A, B>) {
      return membersLess<0>(a, b);
    } else {
      return a < b;
    }
  }

 private:
  /// The first member from I on that differs decides.
  template <std::size_t I, class T>
  bool membersLess(const T& a, const T& b) const {
    if constexpr (I == std::tuple_size_v<T>) {
      return false;
    } else {
      if ((*this)(std::get<I>(a), std::get<I>(b))) return true;
      if ((*this)(std::get<I>(b), std::get<I>(a))) return false;
      return membersLess<I + 1>(a, b);
    }
  }
};

}  // namespace rill::detail
