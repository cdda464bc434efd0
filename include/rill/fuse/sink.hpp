#pragma once
// The push protocol every fused stage speaks. A sink receives elements with
// push(x) and the end of its partition with finish(); both return false to ask
// the producer to stop early (take(n) over a huge range returns at once).
#include <concepts>
#include <memory>
#include <type_traits>
#include <utility>

namespace rill::fuse {

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

/// A sink the fused loop may copy into a local for the length of a block and
/// copy back after. A sink reached through a pointer that escaped (as every sink
/// behind the per-chunk virtual call has) is loaded and stored around each
/// element; a local one, a running sum say, stays in a register. Only small
/// trivially copyable sinks qualify, so the copies are a few moves and run no user code.
template <class S>
concept LocalizableSink = std::is_trivially_copyable_v<S> && std::is_copy_constructible_v<S> && sizeof(S) <= 256;

/// Copies a LocalizableSink's state back: by assignment where the type has one
/// (a closure member deletes it), else by re-creating the trivially destructible object.
template <LocalizableSink S>
void copyBack(S& to, const S& from) {
  if constexpr (std::is_copy_assignable_v<S>)
    to = from;
  else
    std::construct_at(std::addressof(to), from);
}

/// A sink's stand-in for the length of a loop: a local copy of a LocalizableSink,
/// copied back when the loop's function returns (or throws), else the sink itself.
/// Made in the function holding the loop, so the compiler sees a local object there.
template <class S>
class LocalCopy {
 public:
  explicit LocalCopy(S& home) : home_(home) {}
  LocalCopy(const LocalCopy&) = delete;
  LocalCopy& operator=(const LocalCopy&) = delete;
  S& sink() { return home_; }

 private:
  S& home_;
};
template <LocalizableSink S>
class LocalCopy<S> {
 public:
  explicit LocalCopy(S& home) : home_(&home), local_(home) {}
  LocalCopy(const LocalCopy&) = delete;
  LocalCopy& operator=(const LocalCopy&) = delete;
  ~LocalCopy() { copyBack(*home_, local_); }
  S& sink() { return local_; }

 private:
  S* home_;
  S local_;
};

/// Holds a LocalizableSink by value at the end of a bound chain, so a copy of
/// the chain carries the sink's state with it.
template <class S>
struct SinkValue {
  S sink;
  template <class X>
  bool push(X&& x) {
    return sink.push(std::forward<X>(x));
  }
  bool finish() { return sink.finish(); }
};

}  // namespace rill::fuse
