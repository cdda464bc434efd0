#pragma once
// rill::Hash<K>: how rill hashes a key, so that the keys users write — a
// string, a number, (campaign, window), (user, item) — work in every keyed
// operation without a hash of their own.
//
//   std::string, std::string_view   hashBytes (byte_hash.hpp): faster than
//                                   std::hash on short keys; a string and a view
//                                   of the same bytes hash alike
//   std::pair, std::tuple,          the elements' rill::Hash combined in order,
//   std::array, std::vector,        recursively (a std::vector<std::pair<
//   std::optional                   std::string, int>> is a key); accepted when
//                                   every element is
//   anything else                   std::hash<K> (a user type needs its own
//                                   std::hash specialisation, or a partitioner's
//                                   hasher)
//
// The combination is boost::hash_combine as of Boost 1.81: the running hash
// plus a constant plus the element's hash, then a 64-bit xor-shift-multiply
// finalizer (the murmur3/xxHash kind), which spreads every input bit over
// every output bit. Boost dropped the classic
// seed ^ (h + 0x9e3779b9 + (seed << 6) + (seed >> 2)) for it because the
// classic one mixes poorly; that matters here, where std::hash<int> is the
// identity and HashPartitioner takes hash % n while the tables take top bits.
// Composite types always use this combination, even where std::hash has one
// (std::optional, std::vector<bool>), so that nested strings hash as they do
// alone; specialise rill::Hash for a different choice.
//
// rill::Hash<> (Hash<void>) hashes any key with rill::Hash<K>; it is the
// keyed operations' default hasher (DefaultHash) and is transparent, so a
// table of std::string keys is probed with a std::string_view.
#include <rill/core/byte_hash.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

/// K hashes with std::hash<K>.
template <class K>
concept StdHashable = requires(const K& k) {
  { std::hash<K>{}(k) } -> std::convertible_to<std::size_t>;
};

/// How rill hashes a key of type K (see above); K = void: any key, transparently.
template <class K = void>
struct Hash {
  std::size_t operator()(const K& k) const
    requires StdHashable<K>
  {
    return std::hash<K>{}(k);
  }
};

/// K hashes with rill::Hash<K>: what a key of a keyed operation needs besides ==.
template <class K>
concept Hashable = requires(const Hash<K>& h, const K& k) {
  { h(k) } -> std::convertible_to<std::size_t>;
};

namespace detail {

/// Boost 1.81's 64-bit hash_mix: xor-shift-multiply twice, as murmur3's finalizer.
constexpr std::uint64_t hashMix(std::uint64_t x) {
  constexpr std::uint64_t m = 0x0e9846af9b1a615dull;
  x ^= x >> 32;
  x *= m;
  x ^= x >> 32;
  x *= m;
  x ^= x >> 28;
  return x;
}

/// The running hash `seed` with one more element's hash `h` (boost::hash_combine).
constexpr std::size_t hashCombine(std::size_t seed, std::size_t h) {
  return static_cast<std::size_t>(hashMix(std::uint64_t{seed} + 0x9e3779b9u + h));
}

template <class Tuple, std::size_t... I>
std::size_t hashTuple(const Tuple& t, std::index_sequence<I...>) {
  std::size_t seed = 0;
  ((seed = hashCombine(seed, Hash<std::tuple_element_t<I, Tuple>>{}(std::get<I>(t)))), ...);
  return seed;
}

/// A range's elements in order, after its size (so that [] and [x] with a hash of 0 differ).
template <class T, class Range>
std::size_t hashRange(const Range& range) {
  std::size_t seed = static_cast<std::size_t>(hashMix(std::size(range)));
  for (const T& x : range) seed = hashCombine(seed, Hash<T>{}(x));
  return seed;
}

/// The byte hash of std::string and std::string_view.
struct StringHash {
  std::size_t operator()(std::string_view s) const { return hashBytes(s.data(), s.size()); }
};

}  // namespace detail

template <>
struct Hash<std::string> : detail::StringHash {};
template <>
struct Hash<std::string_view> : detail::StringHash {};

template <class A, class B>
struct Hash<std::pair<A, B>> {
  std::size_t operator()(const std::pair<A, B>& p) const
    requires Hashable<A> && Hashable<B>
  {
    return detail::hashTuple(p, std::index_sequence<0, 1>{});
  }
};

template <class... Ts>
struct Hash<std::tuple<Ts...>> {
  std::size_t operator()(const std::tuple<Ts...>& t) const
    requires(Hashable<Ts> && ...)
  {
    return detail::hashTuple(t, std::index_sequence_for<Ts...>{});
  }
};

template <class T>
struct Hash<std::optional<T>> {
  std::size_t operator()(const std::optional<T>& o) const
    requires Hashable<T>
  {
    return o ? detail::hashCombine(1, Hash<T>{}(*o)) : 0;
  }
};

template <class T, std::size_t N>
struct Hash<std::array<T, N>> {
  std::size_t operator()(const std::array<T, N>& a) const
    requires Hashable<T>
  {
    return detail::hashRange<T>(a);
  }
};

template <class T, class Alloc>
struct Hash<std::vector<T, Alloc>> {
  std::size_t operator()(const std::vector<T, Alloc>& v) const
    requires Hashable<T>
  {
    return detail::hashRange<T>(v);
  }
};

template <>
struct Hash<void> {
  using is_transparent = void;
  template <Hashable K>
  std::size_t operator()(const K& k) const {
    return Hash<K>{}(k);
  }
};

/// The hasher of the unordered maps the actions return (countByValue, countByKey,
/// collectAsMap): std::hash<K> where it exists, so that those stay the plain
/// std::unordered_map<K, V> users name, else rill::Hash<K> (composite keys).
template <class K>
using MapHash = std::conditional_t<StdHashable<K>, std::hash<K>, Hash<K>>;

}  // namespace rill
