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


/// The element type of an Iterable: its value_type where it declares one (split's
/// words are std::strings once kept, though it yields views), else what it yields.
template <Iterable R>
struct iterable_value {
  using type = std::remove_cvref_t<decltype(*std::begin(std::declval<R&>()))>;
};
template <Iterable R>
  requires requires { typename R::value_type; }
struct iterable_value<R> {
  using type = typename R::value_type;
};
template <Iterable R>
using iterable_value_t = typename iterable_value<R>::type;

/// A function with one call signature (not a generic lambda): what it returns does
/// not depend on what it is given, so it may be given a view where the element
/// type is declared an owned string (see FlatMapStage).
template <class F>
concept FixedSignature = requires { &F::operator(); } || std::is_pointer_v<F>;

/// f may be given an X as it is: a fixed signature that accepts it (a concept, so a
/// generic lambda's body is never instantiated to ask).
template <class F, class X>
concept TakesAsIs = FixedSignature<F> && std::is_invocable_v<const F&, X>;

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
    /// Whether f may be given an X where the element type is another (see FlatMapStage).
    template <class X>
    static constexpr bool takesAsIs = TakesAsIs<F, X>;
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

  /// Pushes the elements of f's ranges as Out. An element of another type (a word
  /// of split(), a view) is made an Out on the way, unless the next stage is a map
  /// whose function takes it as it is: then only what that function keeps is copied.
  template <class Out, class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      return detail::emitEach([&](auto&& y) { return pushOne(std::forward<decltype(y)>(y)); }, *f,
                              std::forward<X>(x));
    }
    bool finish() { return next.finish(); }

   private:
    template <class Y>
    bool pushOne(Y&& y) {
      if constexpr (std::is_same_v<std::remove_cvref_t<Y>, Out> || !std::is_constructible_v<Out, Y&&> ||
                    takenAsIs<Y>())
        return next.push(std::forward<Y>(y));
      else
        return next.push(Out(std::forward<Y>(y)));
    }
    template <class Y>
    static constexpr bool takenAsIs() {
      if constexpr (requires { Next::template takesAsIs<Y>; })
        return Next::template takesAsIs<Y>;
      else
        return false;
    }
  };
  template <class In, class Next>
  Bound<out<In>, Next> bind(std::size_t, Next next) const {
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
