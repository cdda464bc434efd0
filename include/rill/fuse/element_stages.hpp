#pragma once
// Per-element stages: map, filter, flatMap, keyBy. Each is a plain struct
// holding the user's function; bind() wraps the next sink, so a chain of them
// folds at compile time into one function per element with no buffer between
// stages (the Thrill function-stack idea, written with C++20 concepts).
#include <rill/core/concepts.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::fuse {

namespace detail {
// Elements of a container that the user's function returned by value are ours
// to move; elements reached through a view may belong to the user. A container
// is told by its allocator (vector, deque, list, ...: views have none), so this
// needs no header of each container.
template <class R>
inline constexpr bool owns_elements = requires { typename R::allocator_type; };
template <class T, std::size_t N>
inline constexpr bool owns_elements<std::array<T, N>> = true;

/// Calls f(args...), a user function returning a range, and hands each element
/// to emit(y) until emit returns false; false if it did. The elements are moved
/// when f returned a container as an rvalue (by value or std::move), forwarded
/// otherwise.
template <class Emit, class F, class... Args>
bool emitEach(Emit&& emit, const F& f, Args&&... args) {
  using R = std::invoke_result_t<const F&, Args...>;
  decltype(auto) range = std::invoke(f, std::forward<Args>(args)...);
  for (auto&& y : range) {
    bool goOn;
    if constexpr (!std::is_lvalue_reference_v<R> && owns_elements<std::remove_cvref_t<R>>)
      goOn = emit(std::move(y));
    else
      goOn = emit(std::forward<decltype(y)>(y));
    if (!goOn) return false;
  }
  return true;
}

/// A sink's push as a callable, for emitEach.
template <class Next>
auto pushTo(Next& next) {
  return [&next](auto&& y) { return next.push(std::forward<decltype(y)>(y)); };
}
}  // namespace detail

/// Anything a range-for can walk: a container, a std or range-v3 view, a tokenizer.
template <class R>
concept Iterable = requires(R& r) {
  std::begin(r);
  std::end(r);
};


template <Iterable R>
using iterable_value_t = std::remove_cvref_t<decltype(*std::begin(std::declval<R&>()))>;

template <class F>
struct MapStage {
  F f;
  template <class In>
  using out = result_of_t<F, In>;

  template <class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      return next.push(std::invoke(*f, std::forward<X>(x)));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t, Next next) const {
    return {&f, std::move(next)};
  }
};

template <class F>
struct FilterStage {
  F f;
  template <class In>
  using out = In;

  template <class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      if (!std::invoke(*f, std::as_const(x))) return true;
      return next.push(std::forward<X>(x));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t, Next next) const {
    return {&f, std::move(next)};
  }
};

template <class F>
struct FlatMapStage {
  F f;
  template <class In>
  using range_t = std::invoke_result_t<const F&, const In&>;
  template <class In>
  using out = iterable_value_t<std::remove_reference_t<range_t<In>>>;

  template <class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      return detail::emitEach(detail::pushTo(next), *f, std::forward<X>(x));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t, Next next) const {
    return {&f, std::move(next)};
  }
};

/// keyBy(f): x -> (f(x), x).
template <class F>
struct KeyByStage {
  F f;
  template <class In>
  using out = std::pair<result_of_t<F, In>, In>;

  template <class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      using In = std::remove_cvref_t<X>;
      auto key = std::invoke(*f, std::as_const(x));
      return next.push(std::pair<result_of_t<F, In>, In>(std::move(key), std::forward<X>(x)));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t, Next next) const {
    return {&f, std::move(next)};
  }
};

}  // namespace rill::fuse
