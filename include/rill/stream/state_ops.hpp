#pragma once
// DStream state operations: updateStateByKey, mapWithState, and checkpoint(interval).
// The keyed forms take, as the keyed RDD ops do, a number of partitions (0: the
// context's default parallelism) or a partitioner for the state.
#include <rill/core/concepts.hpp>
#include <rill/core/serialization.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/derive.hpp>
#include <rill/stream/state.hpp>
#include <rill/stream/state_mapping.hpp>
#include <rill/stream/state_rows.hpp>
#include <rill/stream/state_signature.hpp>
#include <rill/stream/state_spec.hpp>
#include <rill/stream/state_update.hpp>
#include <rill/stream/window_keyed.hpp>

#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

template <class D>
class DStreamStateOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// updateStateByKey(updateFn[, n | partitioner[, rememberPartitioner][, initialRDD]]):
  /// updateFn(const std::vector<V>& newValues, std::optional<S> state) -> std::optional<S>,
  /// or updateFn(rill::Time, const K&, values, state), called every batch for every key
  /// with new values or a state; std::nullopt removes the key. Or the partition form,
  /// updateFn(rill::StateUpdateRows<K, V, S>& rows) -> the partition's new (key, state)
  /// pairs (e.g. a std::vector<std::pair<K, S>>), called every batch once per state
  /// partition with a (key, values, state) tuple for each of its keys (state_rows.hpp).
  /// Each batch's output is the whole state. S is read off updateFn's last
  /// parameter, or named: updateStateByKey<S>(updateFn).
  /// rememberPartitioner (default true): whether the state RDDs keep the partitioner;
  /// false when a partition function changes keys, so that each batch's state is
  /// shuffled by key before the next update. initialRDD: keys start with its
  /// (key, state) pairs.
  template <class S = detail::DeduceState, class F, class Part = std::size_t>
  auto updateStateByKey(F updateFn, Part part = 0, bool rememberPartitioner = true) const {
    return updateState<detail::update_state_t<S, F>>(std::move(updateFn), part, rememberPartitioner,
                                                     detail::NoInitialState{});
  }
  template <class S = detail::DeduceState, class F, class Part, detail::RDDLike R>
  auto updateStateByKey(F updateFn, Part part, const R& initialRDD) const {
    return updateStateByKey<S>(std::move(updateFn), part, true, initialRDD);
  }
  template <class S = detail::DeduceState, class F, class Part, detail::RDDLike R>
  auto updateStateByKey(F updateFn, Part part, bool rememberPartitioner, const R& initialRDD) const {
    using Named = detail::update_state_t<S, F>;
    using St = std::conditional_t<std::is_same_v<Named, detail::DeduceState>, mapped_of_t<typename R::value_type>, Named>;
    return updateState<St>(std::move(updateFn), part, rememberPartitioner, initialRDD.toRDD());
  }

  /// mapWithState(StateSpec::function(fn)...): see state_spec.hpp. Returns a
  /// MapWithStateDStream: the mapped values, and stateSnapshots().
  template <class F, class S, class Init, class Part>
  auto mapWithState(const StateSpecOf<F, S, Init, Part>& spec) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "mapWithState needs a DStream");
    if constexpr (checkState<S, Part>()) {
      using K = owned_key_t<key_of_t<T>>;
      using V = mapped_of_t<T>;
      constexpr bool timed = std::invocable<const F&, Time, const K&, std::optional<V>, State<S>&>;
      constexpr bool plain = std::invocable<const F&, const K&, std::optional<V>, State<S>&>;
      static_assert(timed || plain,
                    "rill: mapWithState needs the StateSpec function callable as f(const K&, std::optional<V>, "
                    "rill::State<S>&) or f(rill::Time, const K&, std::optional<V>, rill::State<S>&)");
      if constexpr (timed || plain) {
        using R = std::remove_cvref_t<typename detail::MappingResult<timed, F, K, V, S>::type>;
        static_assert(!std::is_void_v<R>, "rill: mapWithState's function must return the mapped value");
        if constexpr (!std::is_void_v<R>) {
          using M = typename detail::MappedOf<R, timed>::type;
          const auto p =
              detail::streamPartitioner(spec.getPartitioner(), "mapWithState", d().sparkContext().defaultParallelism());
          using P = std::remove_cvref_t<decltype(p)>;
          auto node = std::make_shared<detail::MapWithStateNode<K, V, S, M, F, P, timed>>(
              d().graph(), d().slideDuration(), d().baseNode(), batchRows("mapWithState", p), spec.mappingFunction(), p,
              initialRows<K, S>(spec.getInitialState()), spec.getTimeout());
          d().graph().checkpoints().add(node);
          return MapWithStateDStream<K, S, M>(node, node);
        }
      }
    }
  }

  /// checkpoint(interval): checkpoints save this stream's remembered batches, and are
  /// written at least this often (default: every batch). The element type must be
  /// serialisable (a compile-time check). State and incremental windows are saved
  /// whenever the context checkpoints, without this call.
  auto checkpoint(Duration interval) const {
    using T = typename D::value_type;
    static_assert(Checkpointable<T>,
                  "rill: checkpoint(interval) saves this DStream's batches, so its element type must be "
                  "serialisable: give it a serialize function (see rill/core/serialization.hpp)");
    detail::requireCheckpointInterval(interval, d().slideDuration());
    auto stream = d().toDStream();
    auto& registry = d().graph().checkpoints();
    if (!std::dynamic_pointer_cast<CheckpointParticipant>(stream.node()))  // a state stream saves itself
      registry.add(std::make_shared<detail::BatchesParticipant<T>>(stream.node(), "checkpointed batches"));
    registry.requestInterval(interval);
    return stream;
  }

 private:
  /// What both state operations ask of pairs: a state type, and the keys and
  /// partitions every keyed operation asks (false for elements that are not pairs).
  template <class S, class Part>
  static constexpr bool checkState() {
    using T = typename D::value_type;
    if constexpr (PairLike<T>) {
      constexpr bool named = !std::is_same_v<S, detail::DeduceState>;
      static_assert(named,
                    "rill: the state type S could not be read off the function (a generic lambda?): name it, as "
                    "updateStateByKey<S>(f) or StateSpec::function<S>(f), or give an initial state RDD");
      return detail::checkKeyed<T, Part>() && named;
    }
    return false;
  }

  template <class S, class F, class Part, class Init>
  auto updateState(F updateFn, Part part, bool rememberPartitioner, Init initial) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "updateStateByKey needs a DStream");
    if constexpr (checkState<S, Part>()) {
      using K = owned_key_t<key_of_t<T>>;
      using V = mapped_of_t<T>;
      using Values = const std::vector<V>&;
      constexpr bool timed = std::invocable<const F&, Time, const K&, Values, std::optional<S>>;
      constexpr bool plain = std::invocable<const F&, Values, std::optional<S>>;
      constexpr bool rows = detail::UpdatesRows<F, K, V, S>;
      static_assert(timed || plain || rows,
                    "rill: updateStateByKey needs updateFn callable as f(const std::vector<V>&, std::optional<S>) or "
                    "f(rill::Time, const K&, const std::vector<V>&, std::optional<S>), returning std::optional<S>; "
                    "or as f(rill::StateUpdateRows<K, V, S>&), returning the new (key, state) pairs");
      if constexpr (timed || plain || rows) {
        constexpr auto form = timed ? detail::UpdateForm::perKeyTimed
                              : plain ? detail::UpdateForm::perKey
                                      : detail::UpdateForm::partition;
        if constexpr (validUpdateResult<form, F, K, V, S>())
          return updateStream<form, K, V, S>(std::move(updateFn), part, rememberPartitioner, initial);
      }
    }
  }

  template <detail::UpdateForm Form, class K, class V, class S, class F, class Part, class Init>
  DStream<std::pair<K, S>> updateStream(F updateFn, Part part, bool rememberPartitioner, const Init& initial) const {
    const auto p = detail::streamPartitioner(part, "updateStateByKey", d().sparkContext().defaultParallelism());
    using P = std::remove_cvref_t<decltype(p)>;
    auto node = std::make_shared<detail::UpdateStateNode<K, V, S, F, P, Form>>(
        d().graph(), d().slideDuration(), d().baseNode(), batchRows("updateStateByKey", p), std::move(updateFn), p,
        rememberPartitioner,
        initialRows<K, S>(initial));
    d().graph().checkpoints().add(node);
    return DStream<std::pair<K, S>>(std::move(node));
  }

  /// Whether updateFn returns what its form must (false with a message when not).
  template <detail::UpdateForm Form, class F, class K, class V, class S>
  static constexpr bool validUpdateResult() {
    if constexpr (Form == detail::UpdateForm::partition) {
      constexpr bool ok = detail::StateRowsResult<detail::rows_result_t<F, K, V, S>, K, S>;
      static_assert(ok,
                    "rill: updateStateByKey's partition function must return the partition's new (key, state) "
                    "pairs, e.g. a std::vector<std::pair<K, S>>");
      return ok;
    } else {
      constexpr bool ok = std::is_convertible_v<
          typename detail::UpdateResult<Form == detail::UpdateForm::perKeyTimed, F, K, V, S>::type, std::optional<S>>;
      static_assert(ok, "rill: updateStateByKey's updateFn must return std::optional<S> (std::nullopt removes the key)");
      return ok;
    }
  }

  /// The parent's batch at t as rows in the partitions of p (erased once per
  /// batch); `tag` names the operation (rdd/jobs.hpp).
  template <class P>
  auto batchRows(std::string_view tag, const P& p) const {
    using Row = detail::row_t<typename D::value_type>;
    return [parent = d(), tag, p](Time t) -> std::optional<std::vector<std::vector<Row>>> {
      auto rdd = parent.rddAt(t);
      if (!rdd) return std::nullopt;
      return detail::partitionRows(*rdd, tag, p);
    };
  }

  /// The initial state as (K, S) rows; an RDD without a node when there is none
  /// (not std::optional: moving an empty optional RDD trips g++'s -Wmaybe-uninitialized).
  template <class K, class S, class Init>
  static RDD<std::pair<K, S>> initialRows(const Init& initial) {
    if constexpr (std::is_same_v<Init, detail::NoInitialState>) {
      return RDD<std::pair<K, S>>();
    } else {
      static_assert(PairLike<typename Init::value_type>, "rill: the initial state must be an RDD of (key, state) pairs");
      return RDD<std::pair<K, S>>(initial.map([](const auto& kv) {
        return std::pair<K, S>(K(std::get<0>(kv)), S(std::get<1>(kv)));
      }));
    }
  }
};

}  // namespace rill
