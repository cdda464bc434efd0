#pragma once
// Which state type a state function works on, when the program does not name
// it (updateStateByKey<S>(f), StateSpec::function<S>(f)): read off f's last
// parameter, std::optional<S> or State<S>&. Only possible for a function with
// one call signature; a generic lambda has none, so it needs S named (or, for
// mapWithState, an initial state RDD to take it from).
#include <rill/stream/state.hpp>
#include <rill/stream/time.hpp>

#include <optional>
#include <tuple>
#include <type_traits>
#include <vector>

namespace rill::detail {

/// "No state type named": replaced by the deduced one, or reported by a static_assert.
struct DeduceState {};

template <class M>
struct MemberArgs {
  using type = void;
};
template <class R, class C, class... A>
struct MemberArgs<R (C::*)(A...)> {
  using type = std::tuple<A...>;
};
template <class R, class C, class... A>
struct MemberArgs<R (C::*)(A...) const> {
  using type = std::tuple<A...>;
};
template <class R, class C, class... A>
struct MemberArgs<R (C::*)(A...) noexcept> {
  using type = std::tuple<A...>;
};
template <class R, class C, class... A>
struct MemberArgs<R (C::*)(A...) const noexcept> {
  using type = std::tuple<A...>;
};

/// f's parameter types as a std::tuple, or void when f has no single signature.
template <class F>
struct CallArgs {
  using type = void;
};
template <class F>
  requires requires { &F::operator(); }
struct CallArgs<F> : MemberArgs<decltype(&F::operator())> {};
template <class R, class... A>
struct CallArgs<R (*)(A...)> {
  using type = std::tuple<A...>;
};
template <class R, class... A>
struct CallArgs<R (*)(A...) noexcept> {
  using type = std::tuple<A...>;
};

template <class Args>
struct LastParam {
  using type = DeduceState;
};
template <class A0, class... A>
struct LastParam<std::tuple<A0, A...>> {
  using type = std::remove_cvref_t<std::tuple_element_t<sizeof...(A), std::tuple<A0, A...>>>;
};

template <class T>
struct UnwrapState {
  using type = DeduceState;
};
template <class S>
struct UnwrapState<State<S>> {
  using type = S;
};
template <class S>
struct UnwrapState<std::optional<S>> {
  using type = S;
};

/// The S of f's last parameter (std::optional<S> or State<S>&), or DeduceState.
template <class F>
using state_param_t = typename UnwrapState<typename LastParam<typename CallArgs<F>::type>::type>::type;

/// S when named, else what f's signature says.
template <class S, class F>
using state_type_t = std::conditional_t<std::is_same_v<S, DeduceState>, state_param_t<F>, S>;

/// What updateStateByKey's function returns (Timed: the form with time and key first).
template <bool Timed, class F, class K, class V, class S>
struct UpdateResult {
  using type = std::invoke_result_t<const F&, const std::vector<V>&, std::optional<S>>;
};
template <class F, class K, class V, class S>
struct UpdateResult<true, F, K, V, S> {
  using type = std::invoke_result_t<const F&, Time, const K&, const std::vector<V>&, std::optional<S>>;
};

/// What mapWithState's function returns (Timed: the form with the batch time first).
template <bool Timed, class F, class K, class V, class S>
struct MappingResult {
  using type = std::invoke_result_t<const F&, const K&, std::optional<V>, State<S>&>;
};
template <class F, class K, class V, class S>
struct MappingResult<true, F, K, V, S> {
  using type = std::invoke_result_t<const F&, Time, const K&, std::optional<V>, State<S>&>;
};

}  // namespace rill::detail
