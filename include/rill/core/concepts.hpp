#pragma once
// Concepts and traits shared by every layer: what a pair-like element is,
// what a key needs, and how a function is checked against an element type.
#include <concepts>
#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace rill {

/// A key/value element: std::pair<K, V> or a 2-tuple (Spark's pair RDD element).
template <class T>
concept PairLike =  // a chain, so a non-pair stops at its first unmet requirement
    requires { typename std::tuple_size<std::remove_cvref_t<T>>::type; } &&
    (std::tuple_size_v<std::remove_cvref_t<T>> == 2) &&
    requires {
      typename std::tuple_element_t<0, std::remove_cvref_t<T>>;
      typename std::tuple_element_t<1, std::remove_cvref_t<T>>;
    };

template <PairLike P>
using key_of_t = std::remove_cvref_t<std::tuple_element_t<0, std::remove_cvref_t<P>>>;
template <PairLike P>
using mapped_of_t = std::remove_cvref_t<std::tuple_element_t<1, std::remove_cvref_t<P>>>;

/// A key usable in hash-based shuffles: std::hash and == are enough.
template <class K>
concept HashableKey = std::equality_comparable<K> && requires(const K& k) {
  { std::hash<K>{}(k) } -> std::convertible_to<std::size_t>;
};

/// The decayed result of calling F as the pipeline calls it: with a const lvalue.
template <class F, class... Args>
using result_of_t = std::remove_cvref_t<std::invoke_result_t<const F&, const Args&...>>;

/// A binary reduce function over T: (T, T) -> something convertible to T.
template <class F, class T>
concept ReduceFunction = std::invocable<const F&, const T&, const T&> &&
    std::convertible_to<std::invoke_result_t<const F&, const T&, const T&>, T>;

namespace detail {
template <class>
inline constexpr bool always_false = false;
}  // namespace detail

}  // namespace rill
