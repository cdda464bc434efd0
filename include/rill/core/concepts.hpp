#pragma once
// Concepts and traits shared by every layer: what a pair-like element is,
// what a key needs, and how a function is checked against an element type.
#include <rill/core/hash.hpp>

#include <concepts>
#include <tuple>
#include <type_traits>

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

/// A key usable in hash-based shuffles: rill::Hash and == (hash.hpp: std::hash,
/// strings, and pairs, tuples, optionals, arrays and vectors of such keys).
template <class K>
concept HashableKey = std::equality_comparable<K> && Hashable<K>;

/// The compile-time message for a key that does not hash (a macro because a
/// static_assert message must be a string literal).
#define RILL_KEY_HASH_RULE                                                                                 \
  "rill: a key needs std::hash or a partitioner's hasher: == and rill::Hash, which hashes what std::hash " \
  "hashes and std::pair, std::tuple, std::optional, std::array and std::vector of such elements; give "    \
  "your own type a std::hash specialisation or pass rill::HashPartitioner(n, hasher)"

/// The decayed result of calling F as the pipeline calls it: with a const lvalue.
template <class F, class... Args>
using result_of_t = std::remove_cvref_t<std::invoke_result_t<const F&, const Args&...>>;

/// A binary reduce function over T: (T, T) -> something convertible to T.
template <class F, class T>
concept ReduceFunction = std::invocable<const F&, const T&, const T&> &&
    std::convertible_to<std::invoke_result_t<const F&, const T&, const T&>, T>;

}  // namespace rill
