#pragma once
// The compile-time rules for the functions users pass to element-wise stages,
// shared by RDD and DStream so both say the same thing when a call is wrong.
// Each check static_asserts with a message naming the rule and returns whether
// it held, so the caller can `if constexpr` on it and report one error only.
#include <rill/fuse/element_stages.hpp>

#include <concepts>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace rill::fuse {

template <class F, class T>
constexpr bool checkMap() {
  static_assert(std::invocable<const F&, const T&>,
                "rill: map(f) needs f callable as f(const T&) with the element type T");
  if constexpr (std::invocable<const F&, const T&>) {
    static_assert(!std::is_void_v<std::invoke_result_t<const F&, const T&>>,
                  "rill: map(f): f returns void; use foreach(f) for side effects");
    return !std::is_void_v<std::invoke_result_t<const F&, const T&>>;
  } else {
    return false;
  }
}

template <class F, class T>
constexpr bool checkFilter() {
  static_assert(std::predicate<const F&, const T&>,
                "rill: filter(p) needs a predicate p(const T&) -> bool on the element type T");
  return std::predicate<const F&, const T&>;
}

template <class F, class T>
constexpr bool checkFlatMap() {
  static_assert(std::invocable<const F&, const T&>,
                "rill: flatMap(f) needs f callable as f(const T&) with the element type T");
  if constexpr (std::invocable<const F&, const T&>) {
    constexpr bool isRange = Iterable<std::remove_reference_t<std::invoke_result_t<const F&, const T&>>>;
    static_assert(isRange,
                  "rill: flatMap(f) needs f to return a range (a container, a view, or anything with "
                  "begin()/end())");
    return isRange;
  } else {
    return false;
  }
}

template <class F, class T>
constexpr bool checkKeyBy() {
  static_assert(std::invocable<const F&, const T&>,
                "rill: keyBy(f) needs f callable as f(const T&) with the element type T");
  if constexpr (std::invocable<const F&, const T&>) {
    constexpr bool returnsKey = !std::is_void_v<std::invoke_result_t<const F&, const T&>>;
    static_assert(returnsKey, "rill: keyBy(f): f returns void; it must return the key");
    return returnsKey;
  } else {
    return false;
  }
}

/// f(args...) returns a range. A concept, so the conjunction short-circuits: with a
/// plain `&&` the invoke_result_t of an f that cannot be called is a hard error
/// that hides the static_assert's message.
template <class F, class... Args>
concept ReturnsRange = std::invocable<const F&, Args...> &&
                       Iterable<std::remove_reference_t<std::invoke_result_t<const F&, Args...>>>;

template <class F, class T>
constexpr bool checkMapPartitions() {
  constexpr bool ok = ReturnsRange<F, std::vector<T>&>;
  static_assert(ok, "rill: mapPartitions(f) needs f callable as f(std::vector<T>& partition) returning a range");
  return ok;
}

template <class F, class T>
constexpr bool checkMapPartitionsWithIndex() {
  constexpr bool ok = ReturnsRange<F, std::size_t, std::vector<T>&>;
  static_assert(ok,
                "rill: mapPartitionsWithIndex(f) needs f callable as f(std::size_t index, std::vector<T>& "
                "partition) returning a range");
  return ok;
}

}  // namespace rill::fuse
