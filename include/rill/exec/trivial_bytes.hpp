#pragma once
// The shuffle's fast path: elements whose bytes are their value travel as those
// bytes, with no per-element encoding. std::pair is not trivially copyable (its
// assignment operators are user-provided), yet key/value pairs of numbers are
// what shuffles move most, so pairs of such types qualify too, written member
// by member (no padding bytes).
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::exec {

namespace detail {
template <class T>
inline constexpr bool kRawBytes = std::is_trivially_copyable_v<T>;
template <class A, class B>
inline constexpr bool kRawBytes<std::pair<A, B>> = kRawBytes<A> && kRawBytes<B>;
}  // namespace detail

/// Types written as raw bytes: trivially copyable ones and pairs of such types.
template <class T>
concept TriviallyEncodable = detail::kRawBytes<T> && std::is_default_constructible_v<T>;

/// Bytes one element takes.
template <TriviallyEncodable T>
constexpr std::size_t encodedSize() {
  if constexpr (std::is_trivially_copyable_v<T>)
    return sizeof(T);
  else
    return encodedSize<typename T::first_type>() + encodedSize<typename T::second_type>();
}

namespace detail {
template <class T>
char* writeRaw(char* at, const T& value) {
  if constexpr (std::is_trivially_copyable_v<T>) {
    std::memcpy(at, &value, sizeof(T));
    return at + sizeof(T);
  } else {
    return writeRaw(writeRaw(at, value.first), value.second);
  }
}
template <class T>
const char* readRaw(const char* at, T& value) {
  if constexpr (std::is_trivially_copyable_v<T>) {
    std::memcpy(&value, at, sizeof(T));
    return at + sizeof(T);
  } else {
    return readRaw(readRaw(at, value.first), value.second);
  }
}
}  // namespace detail

/// Appends the elements' bytes to `out`.
template <TriviallyEncodable T>
void appendTrivial(std::string& out, std::span<const T> values) {
  const std::size_t start = out.size();
  out.resize(start + values.size() * encodedSize<T>());
  char* at = out.data() + start;
  if constexpr (std::is_trivially_copyable_v<T>) {
    if (!values.empty()) std::memcpy(at, values.data(), values.size_bytes());
  } else {
    for (const T& v : values) at = detail::writeRaw(at, v);
  }
}

/// Reads back the elements appendTrivial wrote (any number of appends in a row).
template <TriviallyEncodable T>
std::vector<T> readTrivial(std::string_view bytes) {
  constexpr std::size_t each = encodedSize<T>();
  if (bytes.size() % each != 0)
    throw SparkException(rill::detail::message({"rill: ", bytes.size(), " bytes are not a whole number of ", each,
                                                "-byte elements"}));
  std::vector<T> values(bytes.size() / each);
  if constexpr (std::is_trivially_copyable_v<T>) {
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), bytes.size());
  } else {
    const char* at = bytes.data();
    for (T& v : values) at = detail::readRaw(at, v);
  }
  return values;
}

}  // namespace rill::exec
