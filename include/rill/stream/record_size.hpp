#pragma once
// How many bytes a received record counts for against its receiver's buffer
// bound (rill.streaming.receiver.maxBufferedBytes): the byte length of a string
// or of another contiguous container of trivially copyable elements (what the
// record holds, without the container's own few bytes), sizeof otherwise.
// Spelled with <iterator>'s range access rather than <ranges>' concepts, which
// would cost every streaming program the parsing of <ranges>.
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

namespace rill {

namespace detail {

/// The element type of a range's iterator.
template <class T>
using RecordElementOf = std::iter_value_t<decltype(std::ranges::begin(std::declval<const T&>()))>;

/// A container that owns contiguous trivially copyable elements. A trivially
/// copyable T (a std::array, or a view such as std::string_view that does not
/// own what it shows) holds all its bytes in itself, so sizeof counts it.
template <class T>
concept ContiguousBytes = !std::is_trivially_copyable_v<T> && requires(const T& record) {
  { std::ranges::begin(record) } -> std::contiguous_iterator;
  std::ranges::size(record);
} && std::is_trivially_copyable_v<RecordElementOf<T>>;

}  // namespace detail

/// The bytes `record` counts for in a receiver's buffer.
template <class T>
std::size_t recordBytes(const T& record) {
  if constexpr (detail::ContiguousBytes<T>)
    return std::ranges::size(record) * sizeof(detail::RecordElementOf<T>);
  else
    return sizeof(T);
}

}  // namespace rill
