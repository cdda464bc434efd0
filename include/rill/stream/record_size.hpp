#pragma once
// How many bytes a received record counts for against its receiver's buffer
// bound (rill.streaming.receiver.maxBufferedBytes): the byte length of a string
// or of another contiguous container of trivially copyable elements (what the
// record holds, without the container's own few bytes), sizeof otherwise.
#include <cstddef>
#include <ranges>
#include <type_traits>

namespace rill {

namespace detail {

template <class T>
concept ContiguousBytes = std::ranges::contiguous_range<const T&> && std::ranges::sized_range<const T&> &&
                          !std::ranges::view<T> &&  // a view does not own what it shows
                          std::is_trivially_copyable_v<std::ranges::range_value_t<const T&>>;

}  // namespace detail

/// The bytes `record` counts for in a receiver's buffer.
template <class T>
std::size_t recordBytes(const T& record) {
  if constexpr (detail::ContiguousBytes<T>)
    return std::ranges::size(record) * sizeof(std::ranges::range_value_t<const T&>);
  else
    return sizeof(T);
}

}  // namespace rill
