#pragma once
// The shuffle's fast path: elements whose bytes are their value travel as those
// bytes, with no per-element encoding. std::pair is not trivially copyable (its
// assignment operators are user-provided), yet key/value pairs of numbers are
// what shuffles move most, so pairs of such types qualify too, written member
// by member (no padding bytes).
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/exec/huge_pages.hpp>

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstring>
#include <iterator>
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

namespace detail {
/// Whether a T's bytes in memory are exactly its encoding (no padding: pairs of
/// numbers of one size), so a whole span is written with one copy.
template <class T>
constexpr bool plainLayout() {
  if constexpr (std::is_trivially_copyable_v<T>)
    return true;
  else
    return std::is_standard_layout_v<T> && sizeof(T) == encodedSize<T>() && plainLayout<typename T::first_type>() &&
           plainLayout<typename T::second_type>();
}

/// Elements read one by one from their encoding, as a random-access iterator, so
/// a vector built from a range of them allocates once and writes each element
/// once (no zero-filling first: on fresh pages that pass is what costs).
template <class T>
class RawIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = const T*;
  using reference = T;

  explicit RawIterator(const char* at) : at_(at) {}
  T operator*() const {
    T value{};
    readRaw(at_, value);
    return value;
  }
  T operator[](difference_type i) const { return *(*this + i); }
  RawIterator& operator++() { return *this += 1; }
  RawIterator operator++(int) { return std::exchange(*this, *this + 1); }
  RawIterator& operator--() { return *this -= 1; }
  RawIterator operator--(int) { return std::exchange(*this, *this - 1); }
  RawIterator& operator+=(difference_type n) {
    at_ += n * static_cast<difference_type>(encodedSize<T>());
    return *this;
  }
  RawIterator& operator-=(difference_type n) { return *this += -n; }
  friend RawIterator operator+(RawIterator it, difference_type n) { return it += n; }
  friend RawIterator operator+(difference_type n, RawIterator it) { return it += n; }
  friend RawIterator operator-(RawIterator it, difference_type n) { return it -= n; }
  friend difference_type operator-(const RawIterator& a, const RawIterator& b) {
    return (a.at_ - b.at_) / static_cast<difference_type>(encodedSize<T>());
  }
  friend bool operator==(const RawIterator&, const RawIterator&) = default;
  friend auto operator<=>(const RawIterator&, const RawIterator&) = default;

 private:
  const char* at_;
};
}  // namespace detail

/// Appends the elements' bytes to `out`, each byte written once.
template <TriviallyEncodable T>
void appendTrivial(std::string& out, std::span<const T> values) {
  const std::size_t bytes = values.size() * encodedSize<T>();
  if (out.capacity() - out.size() < bytes)  // grown as append would, on huge pages when large
    reserveOnHugePages(out, std::max(out.size() + bytes, 2 * out.capacity()));
  if constexpr (detail::plainLayout<T>()) {
    // A T's object representation is its encoding: read as bytes, it is one copy.
    out.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  } else {
    const std::size_t start = out.size();
    out.resize(start + bytes);
    char* at = out.data() + start;
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
  std::vector<T> out;
  reserveOnHugePages(out, bytes.size() / each);
  out.insert(out.end(), detail::RawIterator<T>(bytes.data()), detail::RawIterator<T>(bytes.data() + bytes.size()));
  return out;
}

}  // namespace rill::exec
