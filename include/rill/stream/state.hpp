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

  bool exists() const { return state_.has_value(); }
  /// The state; throws NoSuchElementException when there is none.
  const S& get() const {
    if (!state_) throw NoSuchElementException("rill: State is not set");
    return *state_;
  }
  std::optional<S> getOption() const { return state_; }
  /// Sets the state. Not allowed after remove() or while timing out (std::invalid_argument).
  void update(S newState) {
    if (removed_) throw std::invalid_argument("rill: cannot update the state after it has been removed");
    if (timingOut_) throw std::invalid_argument("rill: cannot update the state that is timing out");
    state_ = std::move(newState);
    updated_ = true;
  }
  /// Removes the key's state. Not allowed twice or while timing out (std::invalid_argument).
  void remove() {
    if (timingOut_) throw std::invalid_argument("rill: cannot remove the state that is timing out");
    if (removed_) throw std::invalid_argument("rill: cannot remove the state that has already been removed");
    state_.reset();
    updated_ = false;
    removed_ = true;
  }
  /// True in the one call a key gets when it times out (the state is removed after it).
  bool isTimingOut() const { return timingOut_; }
  bool isUpdated() const { return updated_; }
  bool isRemoved() const { return removed_; }

 private:
  friend struct detail::StateAccess;
  std::optional<S> state_;
  bool timingOut_ = false;
  bool updated_ = false;
  bool removed_ = false;
};

namespace detail {

/// How mapWithState hands a key's state to the user function and takes it back.
struct StateAccess {
  template <class S>
  static void wrap(State<S>& s, std::optional<S> current) {
    s = State<S>();
    s.state_ = std::move(current);
  }
  template <class S>
  static void wrapTimingOut(State<S>& s, S current) {
    wrap(s, std::optional<S>(std::move(current)));
    s.timingOut_ = true;
  }
  template <class S>
  static std::optional<S> take(State<S>& s) {
    return std::move(s.state_);
  }
};

}  // namespace detail
}  // namespace rill
