#pragma once
// What the keyed operations need of a key: the form in which they store it, how
// they hash it, and the row type every keyed shuffle moves.
//
// A std::string_view key is stored as std::string: the view usually points into
// a line that is gone once the chain has pushed it on (textFile, flatMap over a
// line), so a table or a shuffle output must own its keys. Lookups still take
// the view, so an existing key costs no string construction.
#include <rill/core/concepts.hpp>
#include <rill/core/hash.hpp>

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rill {

namespace detail {
template <class K>
struct OwnedKey {
  using type = K;
};
template <class C, class Tr>
struct OwnedKey<std::basic_string_view<C, Tr>> {
  using type = std::basic_string<C, Tr>;
};
}  // namespace detail

/// The type a keyed operation stores a key of type K as (std::string for std::string_view).
template <class K>
using owned_key_t = typename detail::OwnedKey<std::remove_cvref_t<K>>::type;

/// The keyed operations' hasher: rill::Hash<K> for a key of type K (core/hash.hpp:
/// std::hash, a byte hash for strings, composite keys combined). Transparent: a
/// std::string and a std::string_view of the same bytes hash alike, so a table of
/// std::string keys is probed with a view without building a string.
using DefaultHash = Hash<>;

/// K can be hashed with H and compared with ==.
template <class K, class H>
concept HashableWith = std::equality_comparable<K> && requires(const H& h, const K& k) {
  { h(k) } -> std::convertible_to<std::size_t>;
};

namespace detail {

/// The row a keyed shuffle moves for an element T (a pair or a 2-tuple).
template <class T>
using row_t = std::pair<owned_key_t<key_of_t<T>>, mapped_of_t<T>>;

/// An element as a row, moving what an rvalue element lets us move.
template <class Row, class X>
Row toRow(X&& x) {
  return Row(std::get<0>(std::forward<X>(x)), std::get<1>(std::forward<X>(x)));
}

template <class P>
struct HasherOf {
  using type = DefaultHash;
};
template <class P>
  requires requires { typename P::hasher_type; }
struct HasherOf<P> {
  using type = typename P::hasher_type;
};

}  // namespace detail

/// The hasher the keyed tables use with partitioner P: P::hasher_type when P
/// names one (HashPartitioner(n, hasher) does), else DefaultHash.
template <class P>
using hasher_of_t = typename detail::HasherOf<P>::type;

}  // namespace rill
