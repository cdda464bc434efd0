#pragma once
// Counts given by the user (partitions, slices, elements) as any integer type.
// Spark takes them as Int, so a program passes -1 where a std::size_t
// parameter would read SIZE_MAX: every public count goes through here instead.
#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace rill::detail {

/// n as a size_t; a negative n is refused at the call with "rill: <op>: <what>
/// must not be negative, got n".
template <std::integral N>
std::size_t nonNegativeCount(N n, std::string_view op, std::string_view what) {
  if constexpr (std::is_signed_v<N>)
    if (n < 0)
      throw std::invalid_argument(std::string("rill: ")
                                      .append(op)
                                      .append(": ")
                                      .append(what)
                                      .append(" must not be negative, got ")
                                      .append(std::to_string(n)));
  return static_cast<std::size_t>(n);
}

/// A number of partitions or slices for `op`, negative refused.
template <std::integral N>
std::size_t partitionCount(N n, std::string_view op) {
  return nonNegativeCount(n, op, "the number of partitions");
}

/// A number of partitions for `op` that must be at least 1 (repartition,
/// coalesce): negative and 0 refused at the call.
template <std::integral N>
std::size_t positivePartitionCount(N n, std::string_view op) {
  const std::size_t count = partitionCount(n, op);
  if (count == 0)
    throw std::invalid_argument(std::string("rill: ").append(op).append(": the number of partitions must be positive"));
  return count;
}

/// n as a size_t, a negative n as 0: Spark's take(n) returns nothing for n <= 0.
template <std::integral N>
std::size_t atLeastZero(N n) {
  if constexpr (std::is_signed_v<N>)
    if (n < 0) return 0;
  return static_cast<std::size_t>(n);
}

}  // namespace rill::detail
