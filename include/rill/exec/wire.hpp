#pragma once
// How values cross ranks: the bytes the rdd layer hands a collective. Values
// whose bytes are their value (numbers, pairs of numbers, plain structs) and
// vectors of them travel as those bytes (trivial_bytes.hpp, no per-element
// encoding); anything else through rill's archive (core/serialization.hpp).
// A type neither covers still compiles: it fails, naming the operation and
// the type, only when a program sends it to another rank.
//
// Several values share one buffer as frames (frames.hpp).
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/frames.hpp>
#include <rill/exec/trivial_bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::exec {

namespace detail {
/// An address means nothing in another process: such values never travel as bytes.
template <class T>
inline constexpr bool kAddress = std::is_pointer_v<T> || std::is_member_pointer_v<T>;
template <class C, class Tr>
inline constexpr bool kAddress<std::basic_string_view<C, Tr>> = true;
template <class A, class B>
inline constexpr bool kAddress<std::pair<A, B>> = kAddress<A> || kAddress<B>;

template <class T>
struct RawVector : std::false_type {};
template <class E, class A>
struct RawVector<std::vector<E, A>>
    : std::bool_constant<TriviallyEncodable<E> && !kAddress<E> && !std::is_same_v<E, bool>> {
  using element = E;
};
}  // namespace detail

/// Values sent as their own bytes.
template <class T>
concept RawWire = TriviallyEncodable<T> && !detail::kAddress<T>;

/// Values that can be sent to another rank at all.
template <class T>
concept WireEncodable = detail::RawVector<T>::value || RawWire<T> || Checkpointable<T>;

/// The error of sending a T that cannot be sent; `op` names the operation.
template <class T>
[[noreturn]] void throwNotWireEncodable(std::string_view op) {
  const std::string type = rill::detail::typeName<T>();
  throw SparkException(rill::detail::message(
      {"rill: ", op, " sends values of type ", type, " to other ranks, and ", type,
       " cannot be serialised: give it a serialize function (see rill/core/serialization.hpp) or make it "
       "trivially copyable"}));
}

/// Appends the bytes of `value` (no frame).
template <class T>
void appendWire(Bytes& out, const T& value, std::string_view op) {
  if constexpr (detail::RawVector<T>::value) {
    appendTrivial(out, std::span<const typename detail::RawVector<T>::element>(value.data(), value.size()));
  } else if constexpr (RawWire<T>) {
    appendTrivial(out, std::span<const T>(&value, 1));
  } else if constexpr (Checkpointable<T>) {
    rill::detail::BinaryWriter archive(out);
    archive(value);
  } else {
    throwNotWireEncodable<T>(op);
  }
}

/// Reads back what appendWire wrote (all of `bytes`).
template <class T>
T readWire(std::string_view bytes, std::string_view op) {
  if constexpr (detail::RawVector<T>::value) {
    using E = typename detail::RawVector<T>::element;
    if constexpr (std::is_same_v<T, std::vector<E>>) {
      return readTrivial<E>(bytes);
    } else {
      auto values = readTrivial<E>(bytes);
      return T(values.begin(), values.end());
    }
  } else if constexpr (RawWire<T>) {
    if (bytes.size() != encodedSize<T>())
      throw SparkException(rill::detail::message(
          {"rill: ", op, ": ", bytes.size(), " bytes from another rank for a ", encodedSize<T>(), "-byte value"}));
    T value{};
    detail::readRaw(bytes.data(), value);
    return value;
  } else if constexpr (Checkpointable<T>) {
    return rill::detail::fromBytes<T>(bytes);
  } else {
    throwNotWireEncodable<T>(op);
  }
}

/// The bytes appendFrame(value) appends when they are known without encoding it
/// (values sent as their own bytes), else 0: for reserving a buffer once.
template <class T>
std::size_t frameSizeHint(const T& value) {
  if constexpr (detail::RawVector<T>::value)
    return sizeof(std::uint64_t) + value.size() * encodedSize<typename detail::RawVector<T>::element>();
  else if constexpr (RawWire<T>)
    return sizeof(std::uint64_t) + encodedSize<T>();
  else
    return 0;
}

/// Appends `value` as one frame: its byte count (u64), then appendWire's bytes.
template <class T>
void appendFrame(Bytes& out, const T& value, std::string_view op) {
  const std::size_t at = out.size();
  out.append(sizeof(std::uint64_t), '\0');
  appendWire(out, value, op);
  const std::uint64_t length = out.size() - at - sizeof(std::uint64_t);
  std::memcpy(out.data() + at, &length, sizeof length);
}

}  // namespace rill::exec
