#pragma once
// The push protocol every fused stage speaks. A sink receives elements with
// push(x) and the end of its partition with finish(); both return false to ask
// the producer to stop early (take(n) over a huge range returns at once).
#include <concepts>
#include <type_traits>
#include <utility>

namespace rill::fuse {

template <class S, class T>
concept SinkFor = requires(S& s, T&& x) {
  { s.push(std::forward<T>(x)) } -> std::convertible_to<bool>;
  { s.finish() } -> std::convertible_to<bool>;
};

/// Adapts a callable to a sink. The callable may return void (always go on) or bool.
template <class F>
struct FunctionSink {
  F f;
  template <class X>
  bool push(X&& x) {
    if constexpr (std::is_void_v<decltype(f(std::forward<X>(x)))>) {
      f(std::forward<X>(x));
      return true;
    } else {
      return static_cast<bool>(f(std::forward<X>(x)));
    }
  }
  bool finish() { return true; }
};
template <class F>
FunctionSink(F) -> FunctionSink<F>;

/// Holds the final sink by reference, so the bound stage chain can be built by value.
template <class S>
struct SinkRef {
  S* sink;
  template <class X>
  bool push(X&& x) {
    return sink->push(std::forward<X>(x));
  }
  bool finish() { return sink->finish(); }
};

}  // namespace rill::fuse
