#pragma once
// updateStateByKey's partition form (Spark's updateFunc over an Iterator of
// (K, Seq[V], Option[S]) giving an Iterator of (K, S)): the function gets every
// key of one state partition at once, as StateUpdateRows<K, V, S> (one row per
// key with new values or a state), and returns the partition's new (key, state)
// pairs. A key it does not return is removed; it may return other keys than it
// was given (see rememberPartitioner in state_ops.hpp).
#include <rill/core/concepts.hpp>
#include <rill/stream/state_signature.hpp>

#include <concepts>
#include <optional>
#include <iterator>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

/// What updateStateByKey's partition form is given: (key, new values, state) per key.
template <class K, class V, class S>
using StateUpdateRows = std::vector<std::tuple<K, std::vector<V>, std::optional<S>>>;

namespace detail {

template <class Rows>
struct RowsState {
  using type = DeduceState;
};
template <class K, class V, class S>
struct RowsState<StateUpdateRows<K, V, S>> {
  using type = S;
};

/// S when named, else read off f's last parameter: std::optional<S>, State<S>&,
/// or the partition form's StateUpdateRows<K, V, S>.
template <class S, class F>
using update_state_t = std::conditional_t<
    !std::is_same_v<state_type_t<S, F>, DeduceState>, state_type_t<S, F>,
    typename RowsState<typename LastParam<typename CallArgs<F>::type>::type>::type>;

/// Whether f is the partition form for these types (taking the rows by value,
/// by reference or by const reference).
template <class F, class K, class V, class S>
concept UpdatesRows = std::invocable<const F&, StateUpdateRows<K, V, S>&&> ||
                      std::invocable<const F&, StateUpdateRows<K, V, S>&>;

template <class F, class K, class V, class S>
decltype(auto) callWithRows(const F& f, StateUpdateRows<K, V, S>& rows) {
  if constexpr (std::invocable<const F&, StateUpdateRows<K, V, S>&&>)
    return f(std::move(rows));
  else
    return f(rows);
}

template <class F, class K, class V, class S>
using rows_result_t = std::remove_cvref_t<decltype(callWithRows(std::declval<const F&>(),
                                                                 std::declval<StateUpdateRows<K, V, S>&>()))>;

/// The element type of a range R (std::ranges::range_value_t, spelled with
/// <iterator> so that streaming programs do not parse <ranges>).
template <class R>
using RowOf = std::iter_value_t<decltype(std::ranges::begin(std::declval<R&>()))>;

/// What the partition form may return: a range of (key, state) pairs.
template <class R, class K, class S>
concept StateRowsResult =
    requires(R& rows) {
      { std::ranges::begin(rows) } -> std::input_iterator;
      std::ranges::end(rows);
    } && PairLike<RowOf<R>> && std::constructible_from<K, std::tuple_element_t<0, RowOf<R>>> &&
    std::constructible_from<S, std::tuple_element_t<1, RowOf<R>>>;

/// The partition form's result as the state's rows (moved when it already is).
template <class K, class S, class R>
std::vector<std::pair<K, S>> toStateRows(R result) {
  if constexpr (std::is_same_v<R, std::vector<std::pair<K, S>>>) {
    return result;
  } else {
    std::vector<std::pair<K, S>> out;
    for (auto&& kv : result) out.emplace_back(K(std::get<0>(std::move(kv))), S(std::get<1>(std::move(kv))));
    return out;
  }
}

}  // namespace detail
}  // namespace rill
