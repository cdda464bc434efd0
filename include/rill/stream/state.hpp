#pragma once
// State<S>: the handle mapWithState's function gets for its key's state
// (Spark's State): read it, update it, remove it, and see whether the key is
// being called because it timed out.
#include <rill/core/errors.hpp>

#include <optional>
#include <stdexcept>
#include <utility>

namespace rill {

/// Reading a state that does not exist (Spark's NoSuchElementException).
class NoSuchElementException : public SparkException {
 public:
  using SparkException::SparkException;
};

namespace detail {
struct StateAccess;
}

template <class S>
class State {
 public:
  State() = default;

  bool exists() const { return value() != nullptr; }
  /// The state; throws NoSuchElementException when there is none.
  const S& get() const {
    if (const S* v = value()) return *v;
    throw NoSuchElementException("rill: State is not set");
  }
  std::optional<S> getOption() const {
    if (const S* v = value()) return *v;
    return std::nullopt;
  }
  /// Sets the state. Not allowed after remove() or while timing out (std::invalid_argument).
  void update(S newState) {
    if (removed_) throw std::invalid_argument("rill: cannot update the state after it has been removed");
    if (timingOut_) throw std::invalid_argument("rill: cannot update the state that is timing out");
    next_ = std::move(newState);
    updated_ = true;
  }
  /// Removes the key's state. Not allowed twice or while timing out (std::invalid_argument).
  void remove() {
    if (timingOut_) throw std::invalid_argument("rill: cannot remove the state that is timing out");
    if (removed_) throw std::invalid_argument("rill: cannot remove the state that has already been removed");
    next_.reset();
    updated_ = false;
    removed_ = true;
  }
  /// True in the one call a key gets when it times out (the state is removed after it).
  bool isTimingOut() const { return timingOut_; }
  bool isUpdated() const { return updated_; }
  bool isRemoved() const { return removed_; }

 private:
  friend struct detail::StateAccess;
  // The state a call sees: update()'s value, else the one it found, none after remove().
  const S* value() const {
    if (updated_) return &*next_;
    return removed_ ? nullptr : current_;
  }
  // The key's state as the call found it, read in place and never changed: a
  // call that throws leaves the key's state as it was.
  const S* current_ = nullptr;
  std::optional<S> next_;  // what update() set
  bool timingOut_ = false;
  bool updated_ = false;
  bool removed_ = false;
};

namespace detail {

/// How mapWithState hands a key's state to the user function and takes the new one.
struct StateAccess {
  /// `current`: the key's state (null: none), which must outlive the call.
  template <class S>
  static void wrap(State<S>& s, const S* current) {
    s = State<S>();
    s.current_ = current;
  }
  template <class S>
  static void wrapTimingOut(State<S>& s, const S& current) {
    wrap(s, &current);
    s.timingOut_ = true;
  }
  /// The state update() set.
  template <class S>
  static S takeUpdated(State<S>& s) {
    return std::move(*s.next_);
  }
};

}  // namespace detail
}  // namespace rill
