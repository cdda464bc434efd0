#pragma once
// StateSpec: what mapWithState runs, built as in Spark:
//   StateSpec::function(fn).initialState(rdd).numPartitions(n).timeout(d)
// fn is called as fn(key, std::optional<V> value, State<S>& state) -> mapped value,
// or fn(rill::Time batchTime, key, std::optional<V> value, State<S>& state) ->
// std::optional<mapped> (only engaged results are emitted, as Spark's form with
// the batch time). S is read off fn's State<S>& parameter; name it,
// StateSpec::function<S>(fn), when fn is a generic lambda (or give an initial state).
#include <rill/core/counts.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/stream/state_signature.hpp>
#include <rill/stream/time.hpp>

#include <concepts>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

namespace rill {

namespace detail {
struct NoInitialState {};
}  // namespace detail

/// The built specification: F the function, S the state type, Init the initial
/// state RDD (or none), Part a number of partitions or a partitioner.
template <class F, class S, class Init = detail::NoInitialState, class Part = std::size_t>
class StateSpecOf {
 public:
  using state_type = S;

  StateSpecOf(F fn, Init initial, Part part, std::optional<Duration> timeout)
      : fn_(std::move(fn)), initial_(std::move(initial)), part_(std::move(part)), timeout_(timeout) {}

  /// initialState(rdd): the state each key starts with (pairs of key and state).
  template <class R>
  auto initialState(const R& rdd) const {
    using Row = typename R::value_type;
    static_assert(PairLike<Row>, "rill: StateSpec::initialState(rdd) needs an RDD of (key, state) pairs");
    using St = std::conditional_t<std::is_same_v<S, detail::DeduceState>, mapped_of_t<Row>, S>;
    return StateSpecOf<F, St, RDD<Row>, Part>(fn_, rdd.toRDD(), part_, timeout_);
  }
  /// numPartitions(n): the state lives in n hash partitions (default: the context's parallelism).
  template <std::integral N>
  auto numPartitions(N n) const {
    const std::size_t count = detail::partitionCount(n, "StateSpec.numPartitions");
    return StateSpecOf<F, S, Init, std::size_t>(fn_, initial_, count, timeout_);
  }
  /// partitioner(p): the state is partitioned by p (rill::HashPartitioner(n) or your own).
  template <class P>
  auto partitioner(P p) const {
    return StateSpecOf<F, S, Init, P>(fn_, initial_, std::move(p), timeout_);
  }
  /// timeout(d): a key with no data for longer than d is called once with
  /// isTimingOut() true and then removed.
  StateSpecOf timeout(Duration d) const {
    requirePositiveDuration(d, "StateSpec timeout");
    return StateSpecOf(fn_, initial_, part_, d);
  }

  const F& mappingFunction() const { return fn_; }
  const Init& getInitialState() const { return initial_; }
  const Part& getPartitioner() const { return part_; }
  std::optional<Duration> getTimeout() const { return timeout_; }

 private:
  F fn_;
  Init initial_;
  Part part_;
  std::optional<Duration> timeout_;
};

struct StateSpec {
  /// StateSpec::function(fn) or StateSpec::function<S>(fn).
  template <class S = detail::DeduceState, class F>
  static auto function(F fn) {
    return StateSpecOf<F, detail::state_type_t<S, F>>(std::move(fn), {}, 0, std::nullopt);
  }
};

}  // namespace rill
